// Inline argument splitting (sdssplitargs): quotes, escapes and blanks exactly as redis-server 7.0
// splits an inline request (each expectation was checked by sending the line to a real server).

import { describe, expect, it } from 'vitest';
import { splitArgs } from '../../src/shared/resp/request-parser.js';
import { parseEveryWay } from './request-parser-helpers.js';

describe('splitArgs (sdssplitargs)', () => {
  const cases: [string, string[]][] = [
    ['SET a b', ['SET', 'a', 'b']],
    ['  SET\t a \t b  ', ['SET', 'a', 'b']],
    ['SET "a b" \'c d\'', ['SET', 'a b', 'c d']],
    ['ECHO "\\x41\\x4a\\n"', ['ECHO', 'AJ\n']],
    ['ECHO "\\xff\\xFe"', ['ECHO', '\xff\xfe']],
    ['ECHO "\\x00"', ['ECHO', '\0']],
    ['ECHO "\\n\\r\\t\\b\\a"', ['ECHO', '\n\r\t\b\x07']],
    ['ECHO "\\xZZ"', ['ECHO', 'xZZ']],
    ['ECHO "\\x4"', ['ECHO', 'x4']],
    ['ECHO "\\q"', ['ECHO', 'q']],
    ['ECHO "a\\"b"', ['ECHO', 'a"b']],
    ['ECHO "a\\\\b"', ['ECHO', 'a\\b']],
    ["ECHO 'a\\'b'", ['ECHO', "a'b"]],
    ["ECHO 'a\\nb'", ['ECHO', 'a\\nb']],
    ['ECHO a"b"', ['ECHO', 'ab']],
    ["ECHO a'b'", ['ECHO', 'ab']],
    ['ECHO ""', ['ECHO', '']],
    ["ECHO ''", ['ECHO', '']],
    ['ECHO "a" "b"', ['ECHO', 'a', 'b']],
    ['ECHO "a"\tb', ['ECHO', 'a', 'b']],
    // \v and \f are skipped between words but do not end one.
    ['ECHO \x0bPING', ['ECHO', 'PING']],
    ['\x0c\x0bECHO x\x0c', ['ECHO', 'x\x0c']],
    ['ECHO a\x0bb', ['ECHO', 'a\x0bb']],
    ['', []],
    ['   ', []],
    // As in C, a NUL byte ends the line.
    ['a b\0c d', ['a', 'b']],
  ];
  for (const [line, args] of cases) {
    it(JSON.stringify(line), () => {
      expect(splitArgs(line)).toEqual(args);
    });
  }

  for (const line of ['"abc', "'abc", '"a"b', "'a'b", '"a\\', 'a "b\\"', '"a\0"']) {
    it(`${JSON.stringify(line)} is unbalanced`, () => {
      expect(splitArgs(line)).toBeNull();
    });
  }
});

describe('inline requests through the parser', () => {
  it('applies quoting to requests split anywhere', () => {
    const outcome = parseEveryWay('SET "key with spaces" \'it\\\'s\'\r\nECHO "\\x00\\xff"\n');
    expect(outcome.commands).toEqual([
      ['SET', 'key with spaces', "it's"],
      ['ECHO', '\0\xff'],
    ]);
    expect(outcome.sizes).toEqual([31, 16]);
  });
});
