// Key -> slot as Redis Cluster computes it. The table below is what a real redis-server 7.0.15
// answered to CLUSTER KEYSLOT for each key; test/integration/cluster-bus-interop.test.ts checks a
// few hundred more keys live.

import { describe, expect, it } from 'vitest';
import { CLUSTER_SLOTS, crc16, crc16Bytes, hashTagOf, keySlot, keySlotOfBytes } from '../../src/shared/key-slot.js';

/** [key as latin1, CLUSTER KEYSLOT answer of redis-server 7.0.15]. */
const FROM_REDIS: [string, number][] = [
  ['', 0],
  ['foo', 12182],
  ['bar', 5061],
  ['123456789', 12739],
  ['{}', 15257],
  ['{a}b', 15495],
  ['a{}{b}', 15033],
  ['{user1000}.following', 3443],
  ['{user1000}.followers', 3443],
  ['foo{}{bar}', 8363],
  ['foo{{bar}}zap', 4015],
  ['foo{bar}{zap}', 5061],
  ['{', 4092],
  ['}', 12090],
  ['}{', 12793],
  ['a{b', 13340],
  ['{}a', 10875],
  ['{{}}', 4092],
  ['hello world', 15332],
  ['\x00\xff{}', 13562],
  ['\xff', 7920],
  ['k\x00{\x80}z', 4488],
];

describe('keySlot', () => {
  it.each(FROM_REDIS)('%j -> %i, as redis-server answers', (key, slot) => {
    expect(keySlot(key)).toBe(slot);
    expect(keySlotOfBytes(Buffer.from(key, 'latin1'))).toBe(slot);
  });

  it('is CRC16/XMODEM: the check value of "123456789" is 0x31C3', () => {
    expect(crc16('123456789')).toBe(0x31c3);
    expect(crc16Bytes(Buffer.from('123456789'))).toBe(0x31c3);
    expect(crc16('')).toBe(0);
  });

  it('hashes only the first non-empty tag', () => {
    expect(hashTagOf('{user1000}.following')).toBe('user1000');
    expect(hashTagOf('foo{bar}{zap}')).toBe('bar');
    expect(hashTagOf('a{}{b}')).toBe('a{}{b}');
    expect(hashTagOf('foo{{bar}}zap')).toBe('{bar');
    expect(hashTagOf('a{b')).toBe('a{b');
    expect(keySlot('x{tag}y')).toBe(keySlot('tag'));
  });

  it('string and byte forms agree on every byte value, in and out of tags', () => {
    for (let byte = 0; byte < 256; byte++) {
      for (const key of [String.fromCharCode(byte), `a${String.fromCharCode(byte)}b`, `{${String.fromCharCode(byte)}}x`]) {
        const slot = keySlot(key);
        expect(slot).toBe(keySlotOfBytes(Buffer.from(key, 'latin1')));
        expect(slot).toBeGreaterThanOrEqual(0);
        expect(slot).toBeLessThan(CLUSTER_SLOTS);
      }
    }
  });

  it('crc16 over a sub-range equals crc16 of the slice', () => {
    const key = 'prefix{middle}suffix';
    expect(crc16(key, 7, 13)).toBe(crc16('middle'));
    expect(crc16Bytes(Buffer.from(key), 7, 13)).toBe(crc16('middle'));
  });
});
