// The HyperLogLog core (src/server/keyspace/hll/) against redis-server 7.0.15: the hash against a
// plain bigint MurmurHash64A, registers and whole values (SHA-1 of the bytes GET returns) against
// what redis-server produced for the same PFADDs, the sparse -> dense switch, the estimator, and the
// sparse opcodes' edge cases (corrupt values, merges of adjacent VALs).

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { murmurHash64A, patternOf } from '../../src/server/keyspace/hll/murmur.js';
import { hllAdd, hllCount, hllMaxInto, hllToDense, rawCount, type HllBytes } from '../../src/server/keyspace/hll/hll.js';
import {
  cacheIsValid,
  denseGet,
  encodingOf,
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  invalidateCache,
} from '../../src/server/keyspace/hll/layout.js';
import { describeSparse, emptySparse, sparseToDense } from '../../src/server/keyspace/hll/sparse.js';
import { sparseRaise } from '../../src/server/keyspace/hll/sparse-set.js';
import { estimate, sigma, tau } from '../../src/server/keyspace/hll/estimator.js';
import { toBytes, toValue, withCachedCardinality } from '../../src/server/commands/hyperloglog/hll-value.js';

const MASK = (1n << 64n) - 1n;
const M = 0xc6a4a7935bd1e995n;

/** MurmurHash64A written the obvious way in bigint: the reference for the 32-bit-halves version. */
function referenceMurmur(bytes: Buffer): bigint {
  let h = (0xadc83b19n ^ (BigInt(bytes.length) * M)) & MASK;
  const blocks = bytes.length - (bytes.length & 7);
  for (let i = 0; i < blocks; i += 8) {
    let k = bytes.readBigUInt64LE(i);
    k = (k * M) & MASK;
    k ^= k >> 47n;
    k = (k * M) & MASK;
    h ^= k;
    h = (h * M) & MASK;
  }
  const rest = bytes.length & 7;
  if (rest > 0) {
    for (let i = rest - 1; i >= 0; i--) h ^= BigInt(bytes[blocks + i]!) << BigInt(8 * i);
    h = (h * M) & MASK;
  }
  h ^= h >> 47n;
  h = (h * M) & MASK;
  h ^= h >> 47n;
  return h;
}

const sha1 = (hll: HllBytes): string => createHash('sha1').update(hll.bytes.subarray(0, hll.length)).digest('hex');

/** PFADD of e<from>..e<to-1> into `hll`, as one PFADD per element would (cache invalidated). */
function addElements(hll: HllBytes, from: number, to: number, maxBytes = 3000): void {
  for (let i = from; i < to; i++) {
    if (hllAdd(hll, `e${i}`, maxBytes) === 1) invalidateCache(hll.bytes);
  }
}

/** PFCOUNT of one key: the estimate, and the value with it in the header cache. */
function countAndCache(hll: HllBytes): { card: number; cached: HllBytes } {
  const card = hllCount(hll)!;
  return { card, cached: toBytes(withCachedCardinality(toValue(hll), card)) };
}

describe('MurmurHash64A and the register pattern', () => {
  it('matches a bigint MurmurHash64A on every length from 0 to 40, binary bytes included', () => {
    for (let length = 0; length <= 40; length++) {
      const bytes = Buffer.from(Array.from({ length }, (_, i) => (i * 151 + length * 37 + 255) & 0xff));
      expect(murmurHash64A(bytes.toString('latin1')), `length ${length}`).toBe(referenceMurmur(bytes));
    }
  });

  // From redis-server 7.0.15: PFADD t <element>, then PFDEBUG DECODE t.
  const REDIS_DECODES: [string, string][] = [
    ['a', 'Z:12711 v:2,1 Z:3672'],
    ['b', 'Z:15780 v:1,1 Z:603'],
    ['hello', 'Z:9216 v:1,1 Z:7167'],
    ['', 'Z:5938 v:2,1 Z:10445'],
    ['foo:bar:baz', 'Z:7629 v:2,1 Z:8754'],
    ['0123456789abcdef', 'Z:5949 v:1,1 Z:10434'],
    ['12345678', 'Z:10579 v:3,1 Z:5804'],
    ['x', 'Z:16374 v:2,1 z:9'],
  ];
  for (const [element, decoded] of REDIS_DECODES) {
    it(`puts "${element}" in the register redis-server does (${decoded})`, () => {
      const hll = emptySparse();
      expect(hllAdd(hll, element, 3000)).toBe(1);
      expect(describeSparse(hll)).toBe(decoded);
      const { index, count } = patternOf(element);
      expect(`Z:${index} v:${count},1`).toBe(decoded.split(' ').slice(0, 2).join(' '));
    });
  }
});

describe('values byte for byte as redis-server builds them', () => {
  // From redis-server 7.0.15: PFADD n<N> e0 .. e<N-1> (in batches), SHA-1 of GET before and after
  // PFCOUNT (which writes the cached cardinality), the count and the encoding.
  const REDIS: Record<number, { count: number; enc: string; before: string; after: string; len: number }> = {
    1: { count: 1, enc: 'sparse', before: '3eb3234681303a26e57d597ed228af6a15d63ac1', after: '51035499f1dbfe14dcf6698e0c2a96cf70259a4f', len: 21 },
    2: { count: 2, enc: 'sparse', before: '66bc52e0ca869249d99657352b9a67014dbf8397', after: 'f29ed19faf27a5d35c38f637f927d30825fdde5f', len: 24 },
    10: { count: 10, enc: 'sparse', before: '771d194bc0a419552a28bb34101cac65f9c44a11', after: '6a449b9f8f4f73ea34153157833b9e4e3ccf50d6', len: 48 },
    100: { count: 100, enc: 'sparse', before: '47f6cb6c3c5a16056e3bb450f9572a1524d44455', after: '10284d924957df904fe939f436df8ee09605b6ef', len: 285 },
    500: { count: 506, enc: 'sparse', before: 'dc4c5c567a263152bb03598f9664eccf9ac734e6', after: '2a673333d3f17bfe003bd229fbc4aa9c00cdd35a', len: 1068 },
    1000: { count: 1008, enc: 'sparse', before: '26dc3c41142e0317d54eb6adc1e29ccff5ca6941', after: '5b90d5bb9790139af3f5b0b6e8ffc2ab1fcc86da', len: 1906 },
    3000: { count: 2979, enc: 'dense', before: 'a9b8e66f9a7f6a9bda8cb52ddfbcc91380d68588', after: 'dd640a880ffefbaabc92371fff4b1b0974887003', len: 12304 },
    10000: { count: 9973, enc: 'dense', before: '815121cd20d56c18b25dc3df04d13b8fe679a663', after: 'bbf1b0a6391cb55921ea3c8bf3d7ee8ea02b7791', len: 12304 },
    50000: { count: 49978, enc: 'dense', before: 'd933109a6f8fe25d1cd12b727556f9b1b2f9bbb9', after: 'e8e672266e8e13f42296f3707f274cc5cf7f6b69', len: 12304 },
    200000: { count: 200859, enc: 'dense', before: 'ba80934e3e2bbccaa3e52b394ea3a76a717dab56', after: 'ebb2a3c7038b4e33a31a904f780d810093989b33', len: 12304 },
  };
  for (const [n, expected] of Object.entries(REDIS)) {
    it(`${n} elements: same bytes, encoding, count and cached count`, () => {
      const hll = emptySparse();
      invalidateCache(hll.bytes); // PFADD creating the key counts as a change
      addElements(hll, 0, Number(n));
      expect(encodingOf(hll)).toBe(expected.enc === 'dense' ? HLL_DENSE : HLL_SPARSE);
      expect(hll.length).toBe(expected.len);
      expect(sha1(hll)).toBe(expected.before);
      expect(cacheIsValid(hll.bytes)).toBe(false);
      const { card, cached } = countAndCache(hll);
      expect(card).toBe(expected.count);
      expect(sha1(cached)).toBe(expected.after);
    });
  }

  it('turns dense on the same element as redis-server (f1666 with hll-sparse-max-bytes 3000)', () => {
    const hll = emptySparse();
    let i = 0;
    for (; encodingOf(hll) === HLL_SPARSE; i++) hllAdd(hll, `f${i}`, 3000);
    expect(i - 1).toBe(1666);
    expect(hll.length).toBe(HLL_DENSE_SIZE);
  });

  it('counts a union like PFCOUNT of several keys (9973 for n1000 n3000 n10000 on redis-server)', () => {
    const max = new Uint8Array(HLL_REGISTERS);
    for (const n of [1000, 3000, 10000]) {
      const hll = emptySparse();
      addElements(hll, 0, n);
      expect(hllMaxInto(hll, max)).toBe(true);
    }
    expect(rawCount(max)).toBe(9973);
  });
});

describe('sparse encoding', () => {
  it('expands to dense with every register kept, and the header (cache bytes) copied', () => {
    const hll = emptySparse();
    addElements(hll, 0, 300);
    const cached = countAndCache(hll).cached;
    expect(cacheIsValid(cached.bytes)).toBe(true);
    const dense = sparseToDense(cached)!;
    expect(dense.length).toBe(HLL_DENSE_SIZE);
    expect(encodingOf(dense)).toBe(HLL_DENSE);
    expect([...dense.bytes.subarray(5, HLL_HDR_SIZE)]).toEqual([...cached.bytes.subarray(5, HLL_HDR_SIZE)]);
    const max = new Uint8Array(HLL_REGISTERS);
    hllMaxInto(hll, max);
    const registers = Uint8Array.from({ length: HLL_REGISTERS }, (_, i) => denseGet(dense.bytes, HLL_HDR_SIZE, i));
    expect(registers).toEqual(max);
    expect(max.filter((v) => v > 0).length).toBeGreaterThan(250);
    expect(hllCount(dense)).toBe(hllCount(hll));
  });

  it('merges adjacent equal VALs and splits XZERO runs into ZERO/XZERO pieces', () => {
    const hll = emptySparse();
    expect(sparseRaise(hll, 100, 3, 3000)).toBe(1);
    expect(describeSparse(hll)).toBe('Z:100 v:3,1 Z:16283');
    expect(sparseRaise(hll, 101, 3, 3000)).toBe(1);
    expect(describeSparse(hll)).toBe('Z:100 v:3,2 Z:16282');
    expect(sparseRaise(hll, 99, 3, 3000)).toBe(1);
    expect(describeSparse(hll)).toBe('Z:99 v:3,3 Z:16282');
    expect(sparseRaise(hll, 100, 2, 3000)).toBe(0);
    expect(sparseRaise(hll, 100, 5, 3000)).toBe(1);
    expect(describeSparse(hll)).toBe('Z:99 v:3,1 v:5,1 v:3,1 Z:16282');
    expect(sparseRaise(hll, 16383, 1, 3000)).toBe(1);
    expect(describeSparse(hll)).toBe('Z:99 v:3,1 v:5,1 v:3,1 Z:16281 v:1,1');
    expect(sparseRaise(hll, 0, 33, 3000)).toBe(1); // past a VAL's range: dense
    expect(encodingOf(hll)).toBe(HLL_DENSE);
    expect(denseGet(hll.bytes, HLL_HDR_SIZE, 0)).toBe(33);
    expect(denseGet(hll.bytes, HLL_HDR_SIZE, 100)).toBe(5);
  });

  it('turns dense when a split would pass hll-sparse-max-bytes', () => {
    const hll = emptySparse();
    expect(sparseRaise(hll, 5000, 1, 19)).toBe(1); // 18 -> 21 bytes > 19
    expect(encodingOf(hll)).toBe(HLL_DENSE);
  });

  it('reports corrupt sparse values: too few registers, a VAL running past the end', () => {
    const short: HllBytes = emptySparse();
    short.bytes[HLL_HDR_SIZE] = 0x40; // XZERO of 256 registers only
    short.bytes[HLL_HDR_SIZE + 1] = 0xff;
    expect(hllCount(short)).toBeNull();
    expect(sparseToDense(short)).toBeNull();
    expect(hllAdd(short, 'a', 3000)).toBe(-1); // register 12711 lies past the opcodes
    expect(hllMaxInto(short, new Uint8Array(HLL_REGISTERS))).toBe(false);
    const over = emptySparse();
    over.bytes = Uint8Array.from([...over.bytes.subarray(0, HLL_HDR_SIZE), 0x7f, 0xff, 0x83]);
    over.length = over.bytes.length;
    expect(hllToDense(over)).toBe(false);
  });
});

describe('estimator', () => {
  it('tau and sigma at their edges', () => {
    expect(sigma(1)).toBe(Infinity);
    expect(sigma(0)).toBe(0);
    expect(tau(0)).toBe(0);
    expect(tau(1)).toBe(0);
  });

  it('an empty histogram counts 0, one register at 1 counts 1', () => {
    const histogram = new Int32Array(64);
    histogram[0] = HLL_REGISTERS;
    expect(estimate(histogram)).toBe(0);
    histogram[0] = HLL_REGISTERS - 1;
    histogram[1] = 1;
    expect(estimate(histogram)).toBe(1);
  });
});
