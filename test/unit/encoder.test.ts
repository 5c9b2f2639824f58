// Reply encoding in RESP2 and RESP3 for every reply class, with the bytes redis-server 7.0 sends for
// the same reply (HGETALL, SMEMBERS, ZSCORE, GET of a missing key, BLPOP timeout, SUBSCRIBE, INFO
// were compared on a real server under HELLO 2 and HELLO 3).

import { describe, expect, it } from 'vitest';
import { encodeCommand, encodeReply } from '../../src/shared/resp/encoder.js';
import {
  BoolReply,
  DoubleReply,
  ErrorReply,
  MapReply,
  NULL_ARRAY,
  OK,
  PONG,
  PushReply,
  QUEUED,
  RawReply,
  type Reply,
  SetReply,
  SimpleString,
  VerbatimReply,
} from '../../src/shared/resp/reply.js';
import { RequestParser } from '../../src/shared/resp/request-parser.js';

function both(reply: Reply): [string, string] {
  return [encodeReply(reply, 2), encodeReply(reply, 3)];
}

describe('scalars', () => {
  it('bulk strings carry their byte length; characters are bytes', () => {
    expect(both('v')).toEqual(['$1\r\nv\r\n', '$1\r\nv\r\n']);
    expect(both('')).toEqual(['$0\r\n\r\n', '$0\r\n\r\n']);
    expect(encodeReply('a\r\nb\0\xff', 2)).toBe('$6\r\na\r\nb\0\xff\r\n');
  });

  it('integers from numbers and bigints', () => {
    expect(both(42)).toEqual([':42\r\n', ':42\r\n']);
    expect(both(-1)).toEqual([':-1\r\n', ':-1\r\n']);
    expect(both(9223372036854775807n)).toEqual([':9223372036854775807\r\n', ':9223372036854775807\r\n']);
    expect(encodeReply(-9223372036854775808n, 3)).toBe(':-9223372036854775808\r\n');
  });

  it('null is $-1 in RESP2 and _ in RESP3 (GET of a missing key)', () => {
    expect(both(null)).toEqual(['$-1\r\n', '_\r\n']);
  });

  it('the null array is *-1 in RESP2 and _ in RESP3 (BLPOP timeout)', () => {
    expect(both(NULL_ARRAY)).toEqual(['*-1\r\n', '_\r\n']);
  });

  it('simple strings and the shared constants', () => {
    expect(both(OK)).toEqual(['+OK\r\n', '+OK\r\n']);
    expect(encodeReply(PONG, 3)).toBe('+PONG\r\n');
    expect(encodeReply(QUEUED, 2)).toBe('+QUEUED\r\n');
    expect(encodeReply(new SimpleString(''), 2)).toBe('+\r\n');
  });

  it('errors keep their prefix; CR and LF become spaces one for one, as Redis', () => {
    expect(both(new ErrorReply('ERR syntax error'))).toEqual(['-ERR syntax error\r\n', '-ERR syntax error\r\n']);
    expect(encodeReply(new ErrorReply('WRONGTYPE Operation'), 3)).toBe('-WRONGTYPE Operation\r\n');
    expect(encodeReply(new ErrorReply("ERR Protocol error: expected '$', got '\r'"), 2)).toBe(
      "-ERR Protocol error: expected '$', got ' '\r\n",
    );
    expect(encodeReply(new ErrorReply('ERR a\r\nb'), 2)).toBe('-ERR a  b\r\n');
  });

  it('doubles: %.17g as a bulk string in RESP2, `,` in RESP3 (ZSCORE)', () => {
    expect(both(new DoubleReply(1.5))).toEqual(['$3\r\n1.5\r\n', ',1.5\r\n']);
    expect(both(new DoubleReply(Infinity))).toEqual(['$3\r\ninf\r\n', ',inf\r\n']);
    expect(both(new DoubleReply(-Infinity))).toEqual(['$4\r\n-inf\r\n', ',-inf\r\n']);
    expect(both(new DoubleReply(0.1))).toEqual(['$19\r\n0.10000000000000001\r\n', ',0.10000000000000001\r\n']);
    expect(encodeReply(new DoubleReply(1e100), 3)).toBe(',1e+100\r\n');
    expect(encodeReply(new DoubleReply(1e-5), 2)).toBe('$22\r\n1.0000000000000001e-05\r\n');
    expect(encodeReply(new DoubleReply(3), 2)).toBe('$1\r\n3\r\n');
  });

  it('booleans: :1 / :0 in RESP2, #t / #f in RESP3', () => {
    expect(both(new BoolReply(true))).toEqual([':1\r\n', '#t\r\n']);
    expect(both(new BoolReply(false))).toEqual([':0\r\n', '#f\r\n']);
  });

  it('verbatim strings: a bulk in RESP2, =len and a txt: prefix in RESP3 (INFO)', () => {
    expect(both(new VerbatimReply('# Server\r\n'))).toEqual(['$10\r\n# Server\r\n\r\n', '=14\r\ntxt:# Server\r\n\r\n']);
    expect(encodeReply(new VerbatimReply('x', 'mkd'), 3)).toBe('=5\r\nmkd:x\r\n');
  });

  it('raw replies pass through unchanged in both protocols', () => {
    expect(both(new RawReply('+FULLRESYNC abc 0\r\n'))).toEqual(['+FULLRESYNC abc 0\r\n', '+FULLRESYNC abc 0\r\n']);
  });
});

describe('aggregates', () => {
  it('arrays, nested and empty', () => {
    expect(both([])).toEqual(['*0\r\n', '*0\r\n']);
    expect(both(['a', 1, null, ['b']])).toEqual([
      '*4\r\n$1\r\na\r\n:1\r\n$-1\r\n*1\r\n$1\r\nb\r\n',
      '*4\r\n$1\r\na\r\n:1\r\n_\r\n*1\r\n$1\r\nb\r\n',
    ]);
  });

  it('maps flatten to arrays in RESP2 and count pairs with % in RESP3 (HGETALL)', () => {
    expect(both(new MapReply(['f', 'v']))).toEqual(['*2\r\n$1\r\nf\r\n$1\r\nv\r\n', '%1\r\n$1\r\nf\r\n$1\r\nv\r\n']);
    expect(both(new MapReply([]))).toEqual(['*0\r\n', '%0\r\n']);
  });

  it('sets are arrays in RESP2 and ~ in RESP3 (SMEMBERS)', () => {
    expect(both(new SetReply(['a']))).toEqual(['*1\r\n$1\r\na\r\n', '~1\r\n$1\r\na\r\n']);
  });

  it('pushes are arrays in RESP2 and > in RESP3 (SUBSCRIBE)', () => {
    expect(both(new PushReply(['subscribe', 'ch', 1]))).toEqual([
      '*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n',
      '>3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n',
    ]);
  });

  it('the protocol reaches every level of nesting', () => {
    const reply = new MapReply(['scores', [new DoubleReply(2.5), new BoolReply(true)], 'members', new SetReply([null])]);
    expect(both(reply)).toEqual([
      '*4\r\n$6\r\nscores\r\n*2\r\n$3\r\n2.5\r\n:1\r\n$7\r\nmembers\r\n*1\r\n$-1\r\n',
      '%2\r\n$6\r\nscores\r\n*2\r\n,2.5\r\n#t\r\n$7\r\nmembers\r\n~1\r\n_\r\n',
    ]);
  });

  it('refuses values that are not replies', () => {
    expect(() => encodeReply(undefined as unknown as Reply, 2)).toThrow(TypeError);
    expect(() => encodeReply({} as unknown as Reply, 2)).toThrow(TypeError);
  });
});

describe('encodeCommand (replication stream and AOF)', () => {
  it('writes a multibulk of bulk strings that the request parser reads back', () => {
    const args = ['SET', 'k\r\n', '\0\xff', ''];
    const wire = encodeCommand(args);
    expect(wire).toBe('*4\r\n$3\r\nSET\r\n$3\r\nk\r\n\r\n$2\r\n\0\xff\r\n$0\r\n\r\n');
    const parser = new RequestParser();
    parser.feed(Buffer.from(wire, 'latin1'));
    expect(parser.next()).toEqual(args);
    expect(parser.lastFrameBytes).toBe(Buffer.byteLength(wire, 'latin1'));
  });
});
