// The geohash codec, distances and number formats of the geo family, checked against values taken
// from redis-server 7.0.15 (ZSCORE, GEOHASH, GEOPOS and GEODIST after GEOADD of the same points),
// plus the partial quicksort against a full sort and the GEOADD / GEOPOS path on a socket-less node.

import { describe, expect, it } from 'vitest';
import { decodeScore, encode, geohashString, GEO_STEP_MAX, hashToNumber, hashToText, scoreToBits } from '../../src/server/commands/geo/geohash.js';
import { distance } from '../../src/server/commands/geo/distance.js';
import { estimateSteps, searchCells } from '../../src/server/commands/geo/areas.js';
import { doubleToLongDouble, formatDistance, printfFixed } from '../../src/server/commands/geo/format.js';
import { formatLongDouble } from '../../src/server/base/long-double.js';
import { asin, cos, sin } from '../../src/server/commands/geo/exact-trig.js';
import { pqsort } from '../../src/server/base/pqsort.js';
import { connect, makeServer } from '../helpers/unit-server.js';

/** name, lon, lat as typed to GEOADD; score, geohash, GEOPOS lon and lat as redis-server answered. */
const POINTS: [string, number, number, string, string, string, string][] = [
  ['palermo', 13.361389, 38.115556, '3479099956230698', 'sqc8b49rny0', '13.36138933897018433', '38.11555639549629859'],
  ['catania', 15.087269, 37.502669, '3479447370796909', 'sqdtr74hyu0', '15.08726745843887329', '37.50266842333162032'],
  ['origin', 0, 0, '3377699720527872', 's0000000000', '0.00000268220901489', '0.00000126736058093'],
  ['ne', 180, 85.05112878, '13510798882111488', 'bp05b5048p0', '180', '85.0511287799999991'],
  ['sw', -180, -85.05112878, '0', '00bh0hbj200', '-179.99999731779098511', '-85.05112751263942528'],
  ['london', -0.1278, 51.5074, '2163557714755072', 'gcpvj0duq50', '-0.12779921293258667', '51.50740077990133159'],
  ['tokyo', 139.6917, 35.6895, '4171231230197045', 'xn774c06kt0', '139.69170123338699341', '35.68950126697937009'],
  ['sf', -122.4194, 37.7749, '1367859919124626', '9q8yyk8ytp0', '-122.41940170526504517', '37.77490001056577995'],
  ['date', 179.9999999, -45, '3095862556159679', 'pzzzzzzzzz0', '179.99999731779098511', '-45.00000100864581043'],
];

const human = (x: number) => formatLongDouble(doubleToLongDouble(x));

describe('geohash codec (values from redis-server 7.0.15)', () => {
  for (const [name, lon, lat, score, hash, plon, plat] of POINTS) {
    it(`${name}: score, GEOHASH string and GEOPOS centre`, () => {
      const bits = encode(lon, lat, GEO_STEP_MAX)!;
      expect(hashToText(bits)).toBe(score);
      expect(hashToNumber(bits)).toBe(Number(score));
      expect(geohashString(Number(score))).toBe(hash);
      const [dlon, dlat] = decodeScore(Number(score));
      expect([human(dlon), human(dlat)]).toEqual([plon, plat]);
    });
  }

  it('refuses points outside the Mercator limits', () => {
    expect(encode(180.0000001, 0, GEO_STEP_MAX)).toBeNull();
    expect(encode(0, 85.05112879, GEO_STEP_MAX)).toBeNull();
    expect(encode(0, -85.05112879, GEO_STEP_MAX)).toBeNull();
  });

  it('turns odd scores into 64-bit integers as C on x86-64 does (GEOPOS of a ZADD member)', () => {
    expect(scoreToBits(-1)).toEqual({ hi: 0xffffffff, lo: 0xffffffff, step: 26 });
    expect(scoreToBits(1.5)).toEqual({ hi: 0, lo: 1, step: 26 });
    expect(scoreToBits(Infinity)).toEqual({ hi: 0, lo: 0, step: 26 });
    expect(scoreToBits(-Infinity)).toEqual({ hi: 0x80000000, lo: 0, step: 26 });
    // redis-server: ZADD k -1 a; GEOPOS k a -> 180, 85.0511287799999991 (cell indexes clamp).
    expect(decodeScore(-1).map(human)).toEqual(['180', '85.0511287799999991']);
    expect(decodeScore(1.5).map(human)).toEqual(['-179.99999731779098511', '-85.05112497791824921']);
    expect(decodeScore(-Infinity).map(human)).toEqual(['180', '-85.05112751263942528']);
  });
});

describe('distances and formats (redis-server GEODIST answers)', () => {
  const at = (name: string) => decodeScore(Number(POINTS.find((p) => p[0] === name)![3]));
  const dist = (a: string, b: string, unit = 1) => formatDistance(distance(...at(a), ...at(b)) / unit);

  it('haversine on Redis radius, four decimals', () => {
    expect(dist('palermo', 'catania')).toBe('166274.1516');
    expect(dist('london', 'tokyo', 1000)).toBe('9561.4105');
    expect(dist('sf', 'date', 1609.34)).toBe('6750.4173');
    expect(dist('ne', 'sw')).toBe('18919844.5891');
    expect(dist('origin', 'origin')).toBe('0.0000');
  });

  it('rounds the fourth decimal half to even (llrint) and pads small values', () => {
    expect(formatDistance(0.00005)).toBe('0.0000');
    expect(formatDistance(0.00025)).toBe('0.0002');
    expect(formatDistance(0.00035)).toBe('0.0004');
    expect(formatDistance(3.00015)).toBe('3.0002');
    expect(formatDistance(1.00025)).toBe('1.0002');
    expect(formatDistance(0.0007)).toBe('0.0007');
    expect(formatDistance(12.5)).toBe('12.5000');
    expect(formatDistance(NaN)).toBe('-922337203685477.5808');
  });

  it('prints the invalid-pair error numbers as printf %f', () => {
    expect(printfFixed(200, 6)).toBe('200.000000');
    expect(printfFixed(-0, 6)).toBe('-0.000000');
    expect(printfFixed(1e300, 6)).toMatch(/^1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160\.000000$/);
    expect(printfFixed(-Infinity, 6)).toBe('-inf');
  });

  it('sin, cos and asin are rounded to nearest where V8 differs from glibc', () => {
    // glibc's answers (x86-64, Debian 12) for inputs where Math.sin/cos/asin are one unit off.
    const glibc: [(x: number) => number, (x: number) => number, number, number][] = [
      [sin, Math.sin, -0.7568863670625037, -0.6866612360357077],
      [sin, Math.sin, 0.47599129008306074, 0.45821976938728964],
      [cos, Math.cos, 0.5037701964119421, 0.8757688005880284],
      [cos, Math.cos, 1.1790102433850462, 0.38183977255405294],
      [asin, Math.asin, -0.9016385178939932, -1.1235432438119461],
      [asin, Math.asin, -0.8306383019199353, -0.980253056221431],
    ];
    for (const [ours, v8, x, expected] of glibc) {
      expect(ours(x)).toBe(expected);
      expect(v8(x)).not.toBe(expected);
    }
    for (const x of [0, 1e-300, 0.1, 1, 2, 3, -3, 1e4]) {
      expect(Math.abs(sin(x) - Math.sin(x))).toBeLessThanOrEqual(Math.abs(Math.sin(x)) * 3e-16);
      expect(Math.abs(cos(x) - Math.cos(x))).toBeLessThanOrEqual(Math.abs(Math.cos(x)) * 3e-16 + 1e-300);
    }
  });
});

describe('search cells', () => {
  it('estimates steps from the radius, one or two fewer near the poles', () => {
    expect(estimateSteps(0, 0)).toBe(26);
    expect(estimateSteps(1000, 0)).toBe(14);
    expect(estimateSteps(1000, 70)).toBe(13);
    expect(estimateSteps(1000, -81)).toBe(12);
    expect(estimateSteps(1e9, 0)).toBe(1);
  });

  it('keeps the centre cell and drops neighbours outside the bounding box', () => {
    const cells = searchCells({ lon: 13.361389, lat: 38.115556, conversion: 1000, radius: 1 });
    expect(cells[0]).not.toBeNull();
    expect(cells.filter((c) => c !== null).length).toBeLessThanOrEqual(9);
    const world = searchCells({ lon: 0, lat: 0, conversion: 1, radius: Infinity });
    expect(world.every((c) => c !== null && c.step === 1)).toBe(true);
  });
});

describe('pqsort (Redis partial quicksort)', () => {
  it('puts the wanted range in order, as a full sort would', () => {
    let seed = 1;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % 50;
    for (let n = 0; n < 120; n += 7) {
      const data = Array.from({ length: n }, rand);
      const sorted = [...data].sort((a, b) => a - b);
      for (const [l, r] of [[0, n - 1], [0, 2], [n >> 1, (n >> 1) + 5], [n - 3, n - 1]]) {
        const copy = [...data];
        pqsort(copy, (a, b) => a - b, l!, r!);
        for (let i = Math.max(l!, 0); i <= Math.min(r!, n - 1); i++) expect(copy[i]).toBe(sorted[i]);
        expect([...copy].sort((a, b) => a - b)).toEqual(sorted);
      }
    }
  });

  it('is not stable: equal keys keep the order Redis leaves them in', () => {
    const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((name, i) => ({ name, key: i % 2 }));
    pqsort(items, (x, y) => x.key - y.key, 0, 2);
    expect(items.slice(0, 3).every((x) => x.key === 0)).toBe(true);
  });
});

describe('GEOADD and GEOPOS on a socket-less node', () => {
  it('stores the geohash as the score and answers RESP3 coordinates as doubles', () => {
    const c = connect(makeServer());
    expect(c.run('GEOADD', 'g', '13.361389', '38.115556', 'palermo')).toBe(1);
    expect(c.run('ZSCORE', 'g', 'palermo')).toMatchObject({ value: 3479099956230698 });
    expect(c.wire('GEOPOS', 'g', 'palermo', 'nope')).toBe('*2\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*-1\r\n');
    c.run('HELLO', '3');
    expect(c.wire('GEOPOS', 'g', 'palermo')).toBe('*1\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n');
    expect(c.wire('GEOADD', 'g', '181', '0', 'x')).toBe('-ERR invalid longitude,latitude pair 181.000000,0.000000\r\n');
  });
});
