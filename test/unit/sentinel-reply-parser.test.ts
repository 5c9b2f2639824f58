// The client-side RESP parser the sentinel's links use: every reply kind fed whole, byte by byte, and
// split at every boundary (ioredis decoder test style); partial input is "not yet", never an error.

import { describe, expect, it } from 'vitest';
import { ErrorReply } from '../../src/shared/resp/reply.js';
import { type ParsedReply, ReplyParser } from '../../src/shared/resp/reply-parser.js';

const CASES: [string, ParsedReply[]][] = [
  ['+PONG\r\n', ['PONG']],
  ['-LOADING Redis is loading\r\n', [new ErrorReply('LOADING Redis is loading')]],
  [':42\r\n:-1\r\n', [42, -1]],
  ['$5\r\nhello\r\n$0\r\n\r\n$-1\r\n', ['hello', '', null]],
  ['$4\r\na\r\nb\r\n', ['a\r\nb']],
  ['*3\r\n:0\r\n$1\r\n*\r\n:0\r\n', [[0, '*', 0]]],
  ['*-1\r\n*0\r\n', [null, []]],
  ['*3\r\n$7\r\nmessage\r\n$18\r\n__sentinel__:hello\r\n$3\r\nx,y\r\n', [['message', '__sentinel__:hello', 'x,y']]],
  ['*2\r\n*1\r\n+a\r\n*1\r\n:1\r\n', [[['a'], [1]]]],
  ['%1\r\n+k\r\n:1\r\n_\r\n#t\r\n,1.5\r\n', [['k', 1], null, 1, '1.5']],
  ['=8\r\ntxt:abcd\r\n>2\r\n+a\r\n+b\r\n', ['abcd', ['a', 'b']]],
  ['|1\r\n+key\r\n+val\r\n:7\r\n', [7]],
];

function drain(parser: ReplyParser): ParsedReply[] {
  const out: ParsedReply[] = [];
  for (let r = parser.next(); r !== undefined; r = parser.next()) out.push(r);
  return out;
}

describe('ReplyParser', () => {
  it.each(CASES)('parses %j fed whole', (wire, expected) => {
    const parser = new ReplyParser();
    parser.feed(Buffer.from(wire, 'latin1'));
    expect(drain(parser)).toEqual(expected);
  });

  it.each(CASES)('parses %j fed byte by byte', (wire, expected) => {
    const parser = new ReplyParser();
    const out: ParsedReply[] = [];
    for (const byte of Buffer.from(wire, 'latin1')) {
      parser.feed(Buffer.from([byte]));
      out.push(...drain(parser));
    }
    expect(out).toEqual(expected);
  });

  it.each(CASES)('parses %j split at every boundary', (wire, expected) => {
    const bytes = Buffer.from(wire, 'latin1');
    for (let cut = 1; cut < bytes.length; cut++) {
      const parser = new ReplyParser();
      parser.feed(bytes.subarray(0, cut));
      const out = drain(parser);
      parser.feed(bytes.subarray(cut));
      out.push(...drain(parser));
      expect(out).toEqual(expected);
    }
  });

  it('rejects an unknown type byte', () => {
    const parser = new ReplyParser();
    parser.feed(Buffer.from('?x\r\n'));
    expect(() => parser.next()).toThrow(/unexpected reply type/);
  });
});
