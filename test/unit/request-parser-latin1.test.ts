// The parser's byte-to-string conversion must equal Buffer's latin1 decoding for every byte value
// and every length (the fast path covers up to 16 bytes, longer ones go through Buffer).

import { describe, expect, it } from 'vitest';
import { latin1 } from '../../src/shared/resp/latin1.js';

describe('latin1', () => {
  const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37 + 11) % 256));

  it('matches toString("latin1") for every length and offset', () => {
    for (let length = 0; length <= 40; length++) {
      for (const start of [0, 1, 7, 100, 255]) {
        expect(latin1(bytes, start, start + length)).toBe(bytes.toString('latin1', start, start + length));
      }
    }
  });

  it('maps every byte value to the character with that code', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    for (let i = 0; i < 256; i += 16) {
      const text = latin1(all, i, i + 16);
      expect([...text].map((c) => c.charCodeAt(0))).toEqual([...all.subarray(i, i + 16)]);
    }
  });
});
