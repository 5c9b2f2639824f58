// Every protocol error the request parser raises, with the text redis-server 7.0 sends for the same
// raw bytes (recorded by writing them to a real redis-server over a socket), whatever the chunking.

import { describe, expect, it } from 'vitest';
import { bytes, parseChunks, parseEveryWay } from './request-parser-helpers.js';

function errorOf(input: string, setup = {}): string | undefined {
  return parseEveryWay(input, setup).error;
}

describe('protocol errors (texts as redis-server 7.0)', () => {
  it('invalid multibulk length: not a string2ll number, or above INT_MAX', () => {
    for (const count of ['x', '', '+1', '1 ', ' 1', '00001', '-0', '1x', '2147483648', '9223372036854775807', '99999999999999999999', '-9223372036854775809']) {
      expect(errorOf(`*${count}\r\n`), `*${count}`).toBe('Protocol error: invalid multibulk length');
    }
    expect(parseEveryWay('*2147483647\r\n')).toEqual({ commands: [], sizes: [], midFrame: true });
  });

  it("expected '$', got '<byte>'", () => {
    expect(errorOf('*1\r\nx\r\n')).toBe("Protocol error: expected '$', got 'x'");
    expect(errorOf('*1\r\n+PING\r\n')).toBe("Protocol error: expected '$', got '+'");
    expect(errorOf('*2\r\n$4\r\nECHO\r\n:1\r\n')).toBe("Protocol error: expected '$', got ':'");
    // The connection turns the raw CR into a space when it encodes the error, as Redis does.
    expect(errorOf('*1\r\n\r\n')).toBe("Protocol error: expected '$', got '\r'");
  });

  it('invalid bulk length: negative, malformed or above proto-max-bulk-len', () => {
    for (const length of ['x', '', '-1', '-5', '-0', '4 ', '04', '+4', '99999999999999999999', '-9223372036854775808', '536870913']) {
      expect(errorOf(`*1\r\n$${length}\r\n`), `$${length}`).toBe('Protocol error: invalid bulk length');
    }
    // `$4\n` has no CR: the line runs to the CR after PING, and "4\nPING" is no number.
    expect(errorOf('*1\r\n$4\nPING\r\n')).toBe('Protocol error: invalid bulk length');
    expect(errorOf('*1\r\n$100\r\n', { limits: { maxBulkLength: 99 } })).toBe('Protocol error: invalid bulk length');
    expect(parseEveryWay('*1\r\n$99\r\n', { limits: { maxBulkLength: 99 } }).error).toBeUndefined();
  });

  it('unbalanced quotes in request', () => {
    for (const line of ['ECHO "abc', 'ECHO "a"b', "ECHO 'a", "ECHO 'a'b", 'ECHO "a\\', 'SET k "v\\"']) {
      expect(errorOf(`${line}\r\n`), line).toBe('Protocol error: unbalanced quotes in request');
    }
  });

  it('commands before a malformed one still come out first', () => {
    expect(parseEveryWay('PING\r\n*1\r\n$4\r\nECHO\r\n*x\r\n')).toEqual({
      commands: [['PING'], ['ECHO']],
      sizes: [6, 14],
      error: 'Protocol error: invalid multibulk length',
    });
  });
});

describe('lines too long without an end (64KB, PROTO_INLINE_MAX_SIZE)', () => {
  // [bytes before the digits, where the line starts (Redis's qb_pos), error]
  const cases: [string, number, string][] = [
    ['x', 0, 'too big inline request'],
    ['*', 0, 'too big mbulk count string'],
    ['*1\r\n$', 4, 'too big bulk count string'],
  ];
  for (const [prefix, lineStart, text] of cases) {
    it(text, () => {
      // Redis errors once more than 65536 bytes from the line start arrived with no line end.
      const fill = (total: number) => bytes(prefix + '1'.repeat(total - prefix.length));
      const atLimit = fill(lineStart + 65536);
      const over = fill(lineStart + 65537);
      expect(parseChunks([atLimit])).toEqual({ commands: [], sizes: [], midFrame: true });
      expect(parseChunks([over]).error).toBe(`Protocol error: ${text}`);
      const chunks = [];
      for (let i = 0; i < over.length; i += 1000) chunks.push(over.subarray(i, i + 1000));
      expect(parseChunks(chunks).error).toBe(`Protocol error: ${text}`);
    });
  }

  it('checks the 64KB before the element type, as Redis', () => {
    expect(parseChunks([bytes(`*1\r\n${'X'.repeat(70000)}`)]).error).toBe('Protocol error: too big bulk count string');
  });

  it('a NUL byte hides the line end, so the request ends as too big (Redis strchr)', () => {
    const input = bytes(`ECHO a\0b\r\n${'y'.repeat(65536)}`);
    expect(parseChunks([input]).error).toBe('Protocol error: too big inline request');
    expect(parseChunks([bytes('*1\0\r\n')])).toEqual({ commands: [], sizes: [], midFrame: true });
    expect(parseChunks([bytes('*1\r\nx\0\r\n')])).toEqual({ commands: [], sizes: [], midFrame: true });
  });
});

describe('limits before AUTH (requirepass set, client not authenticated)', () => {
  it('unauthenticated multibulk length above 10 arguments', () => {
    expect(errorOf('*11\r\n', { authRequired: true })).toBe('Protocol error: unauthenticated multibulk length');
    expect(parseEveryWay('*10\r\n', { authRequired: true }).error).toBeUndefined();
    expect(parseEveryWay('*11\r\n').error).toBeUndefined();
  });

  it('unauthenticated bulk length above 16384 bytes', () => {
    expect(errorOf('*1\r\n$16385\r\n', { authRequired: true })).toBe('Protocol error: unauthenticated bulk length');
    expect(parseEveryWay('*1\r\n$16384\r\n', { authRequired: true }).error).toBeUndefined();
  });

  it('invalid lengths keep their own error before the AUTH check', () => {
    expect(errorOf('*2147483648\r\n', { authRequired: true })).toBe('Protocol error: invalid multibulk length');
    expect(errorOf('*1\r\n$-1\r\n', { authRequired: true })).toBe('Protocol error: invalid bulk length');
  });
});
