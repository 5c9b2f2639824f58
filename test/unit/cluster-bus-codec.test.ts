// The cluster bus codec: a MEET captured from a real redis-server 7.0.15 (decoded, and re-encoded to
// the same bytes), round trips of every message type, the stream decoder fed whole, byte by byte
// and split at every boundary, and the inputs Redis rejects (link dropped) or ignores (packet dropped).

import { describe, expect, it } from 'vitest';
import { bitmapFromRanges, bitmapToRanges } from '../../src/server/cluster/slot-bitmap.js';
import { BusDecoder, BusFrameError, decodeFrame, type DecodeResult } from '../../src/server/cluster/bus/decode.js';
import { encodeMessage } from '../../src/server/cluster/bus/encode.js';
import { HEADER_SIZE, Offset, makeHeader } from '../../src/server/cluster/bus/header.js';
import { MessageType, type BusMessage, type PingMessage } from '../../src/server/cluster/bus/messages.js';
import { formatNodeFlags, MessageFlag, NodeFlag } from '../../src/server/cluster/bus/node-flags.js';

const ME = '0123456789abcdef0123456789abcdef01234567';
const OTHER = 'fedcba9876543210fedcba9876543210fedcba98';

/**
 * The MEET redis-server 7.0.15 (port 49159, cluster-announce-hostname redis-a.test, knowing one
 * other master) sent to a new node: 2384 bytes, given as the non-zero runs [offset, hex].
 */
const REAL_MEET: [number, string][] = [
  [0, '52436d62000009500001c00700020001'],
  [23, '01'],
  [40, '39373939636135333637336237643566663966656463383534376564326637343731323339636461'],
  [2215, '01'],
  [2248, 'e71700110104000037346263366639653230343837333233653666623035326665336335323266336465653335383861'],
  [2300, '6b12fa283132372e302e302e31'],
  [2350, 'b1d9d8e90001'],
  [2363, '18'],
  [2368, '72656469732d612e74657374'],
];

function realMeet(): Buffer {
  const buf = Buffer.alloc(2384);
  for (const [at, hex] of REAL_MEET) Buffer.from(hex, 'hex').copy(buf, at);
  return buf;
}

function decodeOk(frame: Buffer): BusMessage {
  const result = decodeFrame(frame);
  if (result.kind !== 'message') throw new Error(`dropped: ${result.reason}`);
  return result.message;
}

const header = makeHeader({
  sender: ME,
  port: 30001,
  pport: 65535,
  cport: 40001,
  currentEpoch: 2n ** 64n - 1n,
  configEpoch: 0x0102030405060708n,
  offset: 123456789012345n,
  myslots: bitmapFromRanges([{ start: 0, end: 5460 }, { start: 16383, end: 16383 }]),
  slaveof: OTHER,
  myip: '10.1.2.3',
  flags: NodeFlag.Slave | NodeFlag.NoFailover,
  state: 1,
  mflags: MessageFlag.Paused,
});

const ping: PingMessage = {
  ...header,
  type: MessageType.Ping,
  gossip: [
    {
      nodeId: OTHER,
      pingSent: 1700000000,
      pongReceived: 1700000001,
      ip: 'fe80::1:2:3:4',
      port: 7000,
      cport: 17000,
      flags: NodeFlag.Master | NodeFlag.PFail,
      pport: 0,
    },
    { nodeId: ME, pingSent: 0, pongReceived: 0, ip: '127.0.0.1', port: 1, cport: 2, flags: 0, pport: 3 },
  ],
  extensions: [
    { kind: 'hostname', hostname: 'node-1.example' },
    { kind: 'raw', type: 3, data: Buffer.from('0123456789abcdef') },
  ],
};

const SAMPLES: BusMessage[] = [
  ping,
  { ...ping, type: MessageType.Pong, gossip: [], extensions: [] },
  { ...ping, type: MessageType.Meet, extensions: [{ kind: 'hostname', hostname: '1234567' }] },
  { ...header, type: MessageType.Fail, nodeId: OTHER },
  { ...header, type: MessageType.Publish, channel: Buffer.from('news'), message: Buffer.from([0, 255, 13, 10]) },
  { ...header, type: MessageType.PublishShard, channel: Buffer.alloc(0), message: Buffer.alloc(0) },
  { ...header, type: MessageType.FailoverAuthRequest, mflags: MessageFlag.ForceAck },
  { ...header, type: MessageType.FailoverAuthAck },
  { ...header, type: MessageType.MfStart },
  { ...header, type: MessageType.Update, nodeConfigEpoch: 42n, nodeId: OTHER, slots: bitmapFromRanges([{ start: 100, end: 200 }]) },
  { ...header, type: MessageType.Module, moduleId: Buffer.from('modid123'), moduleType: 7, payload: Buffer.from('hello') },
];

describe('a MEET from a real redis-server 7.0.15', () => {
  it('decodes to the fields redis-server sent', () => {
    const meet = decodeOk(realMeet()) as PingMessage;
    expect(meet.type).toBe(MessageType.Meet);
    expect(meet.ver).toBe(1);
    expect(meet.sender).toBe('9799ca53673b7d5ff9fedc8547ed2f7471239cda');
    expect([meet.port, meet.cport, meet.pport]).toEqual([49159, 59159, 0]);
    expect(meet.flags).toBe(NodeFlag.Myself | NodeFlag.Master);
    expect(meet.currentEpoch).toBe(1n);
    expect(meet.slaveof).toBeNull();
    expect(meet.myip).toBe('');
    expect(meet.state).toBe(1);
    expect(meet.mflags).toBe(MessageFlag.ExtData);
    expect(meet.gossip).toEqual([
      {
        nodeId: '74bc6f9e20487323e6fb052fe3c522f3dee3588a',
        pingSent: 0,
        pongReceived: 1796405800,
        ip: '127.0.0.1',
        port: 45529,
        cport: 55529,
        flags: NodeFlag.Master,
        pport: 0,
      },
    ]);
    expect(meet.extensions).toEqual([{ kind: 'hostname', hostname: 'redis-a.test' }]);
  });

  it('re-encodes to the very same bytes', () => {
    const bytes = realMeet();
    expect(encodeMessage(decodeOk(bytes)).equals(bytes)).toBe(true);
  });
});

describe('encode -> decode', () => {
  it.each(SAMPLES.map((m) => [m.type, m] as const))('type %i round-trips', (_type, message) => {
    const bytes = encodeMessage(message);
    expect(bytes.readUInt32BE(Offset.totlen)).toBe(bytes.length);
    const decoded = decodeOk(bytes);
    const flagged = 'extensions' in message && message.extensions.length > 0;
    const expected = flagged ? { ...message, mflags: message.mflags | MessageFlag.ExtData } : message;
    expect(decoded).toEqual(expected);
    expect(encodeMessage(decoded).equals(bytes)).toBe(true);
  });

  it('puts every header field where cluster.h says, in network order', () => {
    const bytes = encodeMessage({ ...header, type: MessageType.FailoverAuthAck });
    expect(bytes.length).toBe(HEADER_SIZE);
    expect(bytes.toString('latin1', 0, 4)).toBe('RCmb');
    expect([...bytes.subarray(4, 16)]).toEqual([0, 0, 0x08, 0xd0, 0, 1, 0x75, 0x31, 0, 6, 0, 0]);
    expect(bytes.subarray(24, 32).toString('hex')).toBe('0102030405060708');
    expect(bytes.toString('latin1', 40, 80)).toBe(ME);
    expect(bytes[80]).toBe(0xff);
    expect(bytes[80 + 2047]).toBe(0x80);
    expect(bytes.toString('latin1', 2128, 2168)).toBe(OTHER);
    expect(bytes.toString('latin1', 2168, 2176)).toBe('10.1.2.3');
    expect(bytes.subarray(2176, 2246).every((b) => b === 0)).toBe(true);
    expect(bytes.subarray(2246, 2256).toString('hex')).toBe('ffff9c41020201010000');
  });

  it('lays out PING bodies: 104-byte gossip entries, then 8-byte aligned extensions', () => {
    const bytes = encodeMessage(ping);
    expect(bytes.readUInt16BE(Offset.count)).toBe(2);
    expect(bytes.readUInt16BE(Offset.extensions)).toBe(2);
    const ext = HEADER_SIZE + 2 * 104;
    // "node-1.example" is 14 bytes + NUL = 15, padded to 16; plus the 8-byte extension header.
    expect(bytes.readUInt32BE(ext)).toBe(24);
    expect(bytes.readUInt16BE(ext + 4)).toBe(0);
    expect(bytes.readUInt32BE(ext + 24)).toBe(24);
    expect(bytes.length).toBe(ext + 48);
    const seven = encodeMessage({ ...ping, gossip: [], extensions: [{ kind: 'hostname', hostname: '1234567' }] });
    expect(seven.length).toBe(HEADER_SIZE + 16);
  });

  it('sets ExtData exactly when extensions are present', () => {
    const without = encodeMessage({ ...ping, mflags: MessageFlag.ExtData, extensions: [] });
    expect(without[Offset.mflags]).toBe(0);
    expect(encodeMessage(ping)[Offset.mflags]).toBe(MessageFlag.Paused | MessageFlag.ExtData);
  });

  it('refuses fields it cannot represent', () => {
    const bad: Partial<BusMessage>[] = [
      { sender: 'abc' },
      { slaveof: 'x'.repeat(41) },
      { myip: '1'.repeat(46) },
      { port: 65536 },
      { currentEpoch: -1n },
      { myslots: new Uint8Array(10) },
    ];
    for (const fields of bad) {
      expect(() => encodeMessage({ ...header, type: MessageType.MfStart, ...fields } as BusMessage)).toThrow(RangeError);
    }
    expect(() => encodeMessage({ ...header, type: MessageType.Fail, nodeId: 'short' })).toThrow(RangeError);
  });
});

/** Every result until need-more. */
function drain(decoder: BusDecoder): DecodeResult[] {
  const results: DecodeResult[] = [];
  for (let r = decoder.next(); r.kind !== 'need-more'; r = decoder.next()) results.push(r);
  return results;
}

describe('BusDecoder', () => {
  const stream = [
    encodeMessage({ ...header, type: MessageType.FailoverAuthAck }),
    encodeMessage({ ...header, type: MessageType.Publish, channel: Buffer.from('c'), message: Buffer.from('m') }),
    encodeMessage({ ...ping, gossip: ping.gossip.slice(0, 1), extensions: [] }),
  ];
  const whole = Buffer.concat(stream);
  const expected = stream.map((frame) => decodeFrame(frame));

  it('decodes a stream fed whole', () => {
    const decoder = new BusDecoder();
    decoder.push(whole);
    expect(drain(decoder)).toEqual(expected);
    expect(decoder.buffered).toBe(0);
  });

  it('decodes a stream fed byte by byte, saying need-more in between', () => {
    const decoder = new BusDecoder();
    const results: DecodeResult[] = [];
    for (let i = 0; i < whole.length; i++) {
      decoder.push(whole.subarray(i, i + 1));
      results.push(...drain(decoder));
    }
    expect(results).toEqual(expected);
    expect(decoder.next()).toEqual({ kind: 'need-more', buffered: 0, needed: 8 });
  });

  it('decodes the same stream split in two at every byte boundary', () => {
    const mismatches: number[] = [];
    for (let cut = 0; cut <= whole.length; cut++) {
      const decoder = new BusDecoder();
      decoder.push(whole.subarray(0, cut));
      const results = drain(decoder);
      decoder.push(whole.subarray(cut));
      results.push(...drain(decoder));
      const messages = results.flatMap((r) => (r.kind === 'message' ? [r.message] : []));
      if (messages.length !== 3 || !Buffer.concat(messages.map(encodeMessage)).equals(whole)) mismatches.push(cut);
    }
    expect(mismatches).toEqual([]);
  });

  it('accepts Uint8Array chunks as well as Buffers', () => {
    const decoder = new BusDecoder();
    decoder.push(new Uint8Array(whole));
    expect(drain(decoder)).toEqual(expected);
  });

  it('reports how many bytes the pending frame needs', () => {
    const decoder = new BusDecoder();
    decoder.push(stream[1]!.subarray(0, 100));
    expect(decoder.next()).toEqual({ kind: 'need-more', buffered: 100, needed: stream[1]!.length });
  });
});

describe('bad input', () => {
  const ack = () => encodeMessage({ ...header, type: MessageType.FailoverAuthAck });

  it('a bad signature is a BusFrameError once 8 bytes are in, and the decoder stays failed', () => {
    const bytes = ack();
    bytes.write('RCmB', 0, 'latin1');
    const decoder = new BusDecoder();
    decoder.push(bytes.subarray(0, 7));
    expect(decoder.next().kind).toBe('need-more');
    decoder.push(bytes.subarray(7));
    expect(() => decoder.next()).toThrow(BusFrameError);
    decoder.push(ack());
    expect(() => decoder.next()).toThrow(/signature/);
  });

  it('a totlen below the header size is a BusFrameError', () => {
    const bytes = ack();
    bytes.writeUInt32BE(HEADER_SIZE - 1, Offset.totlen);
    const decoder = new BusDecoder();
    decoder.push(bytes);
    try {
      decoder.next();
      expect.fail('no error');
    } catch (error) {
      expect(error).toBeInstanceOf(BusFrameError);
      expect((error as BusFrameError).code).toBe('BAD_LENGTH');
    }
  });

  it('decodeFrame refuses a buffer whose size is not its totlen', () => {
    expect(() => decodeFrame(ack().subarray(0, 3000 - 1000))).toThrow(BusFrameError);
    expect(() => decodeFrame(Buffer.concat([ack(), Buffer.alloc(1)]))).toThrow(/totlen/);
  });

  /** Frames 7.0 ignores while keeping the link; each is followed by a good ACK in the same stream. */
  const ignored: [string, () => Buffer, RegExp][] = [
    ['another protocol version', () => withU16(ack(), Offset.ver, 2), /version 2/],
    ['FAIL of the wrong length', () => asType(ack(), MessageType.Fail), /FAIL of 2256 bytes, expected 2296/],
    ['PING whose count does not fit', () => withU16(encodeMessage({ ...ping, extensions: [] }), Offset.count, 3), /cannot hold 3 gossip/],
    ['PING with bytes after its gossip', () => withU16(encodeMessage({ ...ping, extensions: [] }), Offset.count, 1), /expected 2360/],
    ['an extension not padded to 8', () => patch(encodeMessage(ping), HEADER_SIZE + 208, 23), /not padded/],
    ['an extension longer than the message', () => patch(encodeMessage(ping), HEADER_SIZE + 208 + 24, 32), /exceeds/],
    ['an extension shorter than its header', () => patch(encodeMessage(ping), HEADER_SIZE + 208, 0), /shorter/],
    ['PUBLISH lengths that disagree with totlen', () => patch(encodeMessage(SAMPLES[4]!), HEADER_SIZE, 5), /PUBLISH of 2272 .*2273/],
    ['MODULE lengths that disagree with totlen', () => patch(encodeMessage(SAMPLES[10]!), HEADER_SIZE + 8, 4), /MODULE/],
    ['UPDATE of the wrong length', () => asType(encodeMessage(SAMPLES[3]!), MessageType.Update), /UPDATE/],
  ];

  it.each(ignored)('%s is dropped, and the next frame still decodes', (_name, make, reason) => {
    const decoder = new BusDecoder();
    decoder.push(make());
    decoder.push(ack());
    const [first, second, ...rest] = drain(decoder);
    expect(first).toMatchObject({ kind: 'dropped', reason: expect.stringMatching(reason) });
    expect(second).toMatchObject({ kind: 'message', message: { type: MessageType.FailoverAuthAck } });
    expect(rest).toEqual([]);
  });

  it('an unknown type is dropped with its header kept (7.0 still honours its epochs)', () => {
    const result = decodeFrame(withU16(ack(), Offset.type, 99));
    expect(result).toMatchObject({ kind: 'dropped', type: 99, reason: 'unknown message type 99' });
    expect(result).toMatchObject({ header: { sender: ME, configEpoch: header.configEpoch } });
  });

  it('a PING whose extensions are counted but not flagged decodes without them, as 7.0 validates it', () => {
    const bytes = withU16(encodeMessage({ ...ping, extensions: [] }), Offset.extensions, 5);
    expect(decodeOk(bytes)).toMatchObject({ type: MessageType.Ping, extensions: [] });
  });
});

describe('flags', () => {
  it('names node flags in CLUSTER NODES order', () => {
    expect(formatNodeFlags(NodeFlag.Master | NodeFlag.Myself)).toBe('myself,master');
    expect(formatNodeFlags(NodeFlag.Slave | NodeFlag.PFail | NodeFlag.NoFailover)).toBe('slave,fail?,nofailover');
    expect(formatNodeFlags(NodeFlag.Meet | NodeFlag.MigrateTo)).toBe('noflags');
  });

  it('reads the bitmap of a decoded header back as ranges', () => {
    expect(bitmapToRanges(decodeOk(encodeMessage(SAMPLES[3]!)).myslots)).toEqual([
      { start: 0, end: 5460 },
      { start: 16383, end: 16383 },
    ]);
  });
});

function withU16(buf: Buffer, at: number, value: number): Buffer {
  buf.writeUInt16BE(value, at);
  return buf;
}

/** Same bytes, announced as another type (its length is then wrong for it). */
function asType(buf: Buffer, type: number): Buffer {
  return withU16(buf, Offset.type, type);
}

/** Overwrites a u32 in the body. */
function patch(buf: Buffer, at: number, value: number): Buffer {
  buf.writeUInt32BE(value, at);
  return buf;
}
