// Our cluster modules against Debian's redis-server 7.0.15 in cluster mode: CLUSTER KEYSLOT for a
// few hundred keys, redis-cli's `--cluster create` slot split, and the binary cluster bus both ways —
// redis-server MEETs our listener (we decode its MEET and answer with our PONG), we MEET it (it dials
// the bus port our header announces), gossip, PUBLISH and UPDATE. Every port is an ephemeral
// loopback port; every process is stopped by pid in afterAll.

import { spawn } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySlot, keySlotOfBytes } from '../../src/shared/key-slot.js';
import { splitSlotsLikeRedisCli } from '../../src/server/cluster/slot-split.js';
import { formatRange } from '../../src/server/cluster/slot-range.js';
import { bitmapFromRanges } from '../../src/server/cluster/slot-bitmap.js';
import { BusDecoder } from '../../src/server/cluster/bus/decode.js';
import { encodeMessage } from '../../src/server/cluster/bus/encode.js';
import { CLUSTER_PORT_INCR, HEADER_SIZE, makeHeader } from '../../src/server/cluster/bus/header.js';
import { MessageType, type BusMessage, type PingMessage, type PublishMessage } from '../../src/server/cluster/bus/messages.js';
import { NodeFlag } from '../../src/server/cluster/bus/node-flags.js';
import { forgetPid, freePort, hasRedis, rememberPid, startNode, type NodeProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';
import { seededRandom } from '../../src/shared/seeded-random.js';

const OUR_ID = 'c1a5e4c71de0000000000000000000000000b005';
const OUR_HOSTNAME = 'ours.test';
const OUR_CONFIG_EPOCH = 7n;
const OUR_CURRENT_EPOCH = 9n;
const OUR_SLOTS = [{ start: 100, end: 200 }, { start: 5000, end: 5000 }];

/** Listens on loopback `port` (0 = any); resolves the server, or null when the port is taken. */
function listen(port: number, onSocket: (socket: Socket) => void = (s) => s.destroy()): Promise<Server | null> {
  return new Promise((resolve) => {
    const server = createServer(onSocket);
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** A redis-server in cluster mode whose client port P and bus port P + 10000 are both free. */
async function startClusterRedis(): Promise<NodeProcess> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const bus = port + CLUSTER_PORT_INCR;
    if (bus > 65535) continue;
    const probe = await listen(bus);
    if (!probe) continue;
    await new Promise((resolve) => probe.close(resolve));
    try {
      return await startNode({
        engine: 'redis',
        port,
        config: { 'cluster-enabled': 'yes', 'cluster-config-file': `nodes-${port}.conf`, 'cluster-node-timeout': '5000', appendonly: 'no' },
      });
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
}

/** One bus connection (accepted or dialled) and every message decoded from it. */
interface Link {
  socket: Socket;
  received: BusMessage[];
}

/** Our side of the bus: a listener on Q + 10000 (Q held too) that answers PING/MEET with our PONG. */
class OurBusNode {
  readonly links: Link[] = [];
  autoPong = false;
  private servers: Server[] = [];
  constructor(readonly port: number) {}

  get busPort(): number {
    return this.port + CLUSTER_PORT_INCR;
  }

  static async start(): Promise<OurBusNode> {
    for (;;) {
      const client = await listen(0);
      const port = (client!.address() as { port: number }).port;
      const node = new OurBusNode(port);
      const bus = port + CLUSTER_PORT_INCR <= 65535 ? await listen(port + CLUSTER_PORT_INCR, (s) => node.attach(s)) : null;
      if (bus) {
        node.servers = [client!, bus];
        return node;
      }
      client!.close();
    }
  }

  /** Decodes everything a socket sends; answers PING and MEET with our PONG once autoPong is on. */
  attach(socket: Socket): Link {
    const link: Link = { socket, received: [] };
    const decoder = new BusDecoder();
    this.links.push(link);
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      decoder.push(chunk);
      for (let r = decoder.next(); r.kind !== 'need-more'; r = decoder.next()) {
        if (r.kind !== 'message') continue;
        link.received.push(r.message);
        const { type } = r.message;
        if (this.autoPong && (type === MessageType.Ping || type === MessageType.Meet)) socket.write(this.pong());
      }
    });
    return link;
  }

  dial(port: number): Link {
    return this.attach(connect(port, '127.0.0.1'));
  }

  header(): ReturnType<typeof makeHeader> {
    return makeHeader({
      sender: OUR_ID,
      port: this.port,
      cport: this.busPort,
      flags: NodeFlag.Myself | NodeFlag.Master,
      currentEpoch: OUR_CURRENT_EPOCH,
      configEpoch: OUR_CONFIG_EPOCH,
      myslots: bitmapFromRanges(OUR_SLOTS),
    });
  }

  ping(type: PingMessage['type']): Buffer {
    return encodeMessage({ ...this.header(), type, gossip: [], extensions: [{ kind: 'hostname', hostname: OUR_HOSTNAME }] });
  }

  pong(): Buffer {
    return this.ping(MessageType.Pong);
  }

  /** Every message received so far, from any link. */
  all(): BusMessage[] {
    return this.links.flatMap((link) => link.received);
  }

  async stop(): Promise<void> {
    for (const link of this.links) link.socket.destroy();
    await Promise.all(this.servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

/** Runs redis-cli with `input` on stdin; its pid is recorded for the global teardown meanwhile. */
function redisCli(args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    rememberPid(child.pid!);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('close', () => {
      forgetPid(child.pid!);
      resolve(out);
    });
    child.stdin.end(input);
  });
}

/** The CLUSTER NODES line of a node id, split into fields, or undefined. */
async function nodesLine(client: Redis, id: string): Promise<string[] | undefined> {
  const nodes = (await client.call('CLUSTER', 'NODES')) as string;
  return nodes.split('\n').find((line) => line.startsWith(`${id} `))?.split(' ');
}

describe.skipIf(!hasRedis())('cluster modules against redis-server 7.0 in cluster mode', () => {
  let a: NodeProcess;
  let b: NodeProcess;
  let ca: Redis;
  let cb: Redis;
  let ours: OurBusNode;
  let aId: string;
  let bId: string;
  const clients: Redis[] = [];

  beforeAll(async () => {
    a = await startClusterRedis();
    b = await startClusterRedis();
    ca = a.client();
    cb = b.client();
    clients.push(ca, cb);
    aId = (await ca.call('CLUSTER', 'MYID')) as string;
    bId = (await cb.call('CLUSTER', 'MYID')) as string;
    ours = await OurBusNode.start();
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await ours?.stop();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('keySlot agrees with CLUSTER KEYSLOT for a few hundred keys, binary ones included', async () => {
    const random = seededRandom(7018);
    const alphabet = ['{', '}', 'a', 'b', '\x00', '\xff', '\x80', ' ', 'z', String.fromCharCode(Math.floor(random() * 256))];
    const keys = ['', '{}', '{a}b', 'a{}{b}', '{}{a}', '}{a}', '{{a}}', 'a{b}c{d}', '{user1000}.following', '\x00{\xff}'];
    for (let byte = 0; byte < 256; byte += 3) keys.push(String.fromCharCode(byte), `{${String.fromCharCode(byte)}}tail`);
    while (keys.length < 400) {
      const length = Math.floor(random() * 24);
      let key = '';
      for (let i = 0; i < length; i++) {
        key += random() < 0.5 ? alphabet[Math.floor(random() * alphabet.length)] : String.fromCharCode(Math.floor(random() * 256));
      }
      keys.push(key);
    }
    const replies = await ca.pipeline(keys.map((key) => ['call', 'CLUSTER', 'KEYSLOT', Buffer.from(key, 'latin1')])).exec();
    const theirs = replies!.map(([error, slot]) => (error ? String(error) : slot));
    expect(keys.map((key) => keySlot(key))).toEqual(theirs);
    expect(keys.map((key) => keySlotOfBytes(Buffer.from(key, 'latin1')))).toEqual(theirs);
  });

  it('splits slots among N masters exactly as redis-cli --cluster create prints them', async () => {
    // Answering "no" to "Can I set the above configuration?" makes redis-cli print the plan and
    // stop; listing one empty node N times gives N masters on one host, so nothing is changed.
    for (const n of [3, 5, 8, 78, 87, 102, 150]) {
      const out = await redisCli(['--cluster', 'create', ...Array<string>(n).fill(`127.0.0.1:${a.port}`), '--cluster-replicas', '0'], 'no\n');
      const printed = [...out.matchAll(/Master\[\d+\] -> Slots (\d+) - (\d+)/g)].map((m) => `${m[1]}-${m[2]}`);
      expect(printed.length, out).toBe(n);
      expect(splitSlotsLikeRedisCli(n).map(formatRange)).toEqual(printed);
    }
    expect(await ca.call('CLUSTER', 'INFO')).toMatch(/cluster_known_nodes:1\r\n/);
  });

  it('decodes the MEET redis-server sends, and redis-server completes the handshake on our PONG', async () => {
    await ca.call('CLUSTER', 'MEET', '127.0.0.1', String(ours.port), String(ours.busPort));
    const link = await waitFor(() => ours.links.find((l) => l.received.length > 0), { message: 'a MEET from redis-server' });
    const meet = link.received[0]! as PingMessage;
    expect(meet.type).toBe(MessageType.Meet);
    expect(meet.ver).toBe(1);
    expect(meet.sender).toBe(aId);
    expect([meet.port, meet.cport]).toEqual([a.port, a.port + CLUSTER_PORT_INCR]);
    expect(meet.flags).toBe(NodeFlag.Myself | NodeFlag.Master);
    expect(meet.slaveof).toBeNull();
    expect(meet.gossip).toEqual([]);

    link.socket.write(ours.pong());
    ours.autoPong = true;
    const line = await waitFor(
      async () => {
        const fields = await nodesLine(ca, OUR_ID);
        return fields && !fields[2]!.includes('handshake') && fields[8] !== undefined ? fields : undefined;
      },
      { timeout: 20_000, message: `redis-server to list ${OUR_ID} with its slots` },
    );
    // <id> <ip:port@cport,hostname> <flags> <master> <ping-sent> <pong-recv> <config-epoch> <link> <slots...>
    expect(line[1]).toBe(`127.0.0.1:${ours.port}@${ours.busPort},${OUR_HOSTNAME}`);
    expect(line[2]).toBe('master');
    expect(line[3]).toBe('-');
    expect(line[6]).toBe(String(OUR_CONFIG_EPOCH));
    expect(line[7]).toBe('connected');
    expect(line.slice(8)).toEqual(OUR_SLOTS.map(formatRange));
    expect(await ca.call('CLUSTER', 'INFO')).toMatch(new RegExp(`cluster_current_epoch:${OUR_CURRENT_EPOCH}\r\n`));
  });

  it('redis-server adds a node that MEETs it, at the ports its header announces', async () => {
    const link = ours.dial(b.port + CLUSTER_PORT_INCR);
    link.socket.write(ours.ping(MessageType.Meet));
    // B answers on our connection, then dials the bus port our header gave and PINGs.
    const pong = await waitFor(() => link.received.find((m) => m.type === MessageType.Pong), { message: "redis-server's PONG to our MEET" });
    expect(pong.sender).toBe(bId);
    expect(pong.port).toBe(b.port);
    // The hostname and slots are taken from PONGs after the handshake one (only then is the sender known).
    const line = await waitFor(
      async () => {
        const fields = await nodesLine(cb, OUR_ID);
        return fields?.[7] === 'connected' && fields[1]!.includes(',') && fields[8] !== undefined ? fields : undefined;
      },
      { timeout: 20_000, message: `the second redis-server to list ${OUR_ID} with hostname and slots` },
    );
    expect(line.slice(1, 4)).toEqual([`127.0.0.1:${ours.port}@${ours.busPort},${OUR_HOSTNAME}`, 'master', '-']);
    expect(line.slice(6, 8)).toEqual([String(OUR_CONFIG_EPOCH), 'connected']);
    expect(line.slice(8)).toEqual(OUR_SLOTS.map(formatRange));
    expect(ours.all().some((m) => m.sender === bId && m.type === MessageType.Ping)).toBe(true);
  });

  it('decodes gossip sections: what each redis-server tells us about the other', async () => {
    await ca.call('CLUSTER', 'MEET', '127.0.0.1', String(b.port), String(b.port + CLUSTER_PORT_INCR));
    const about = (sender: string, subject: string) =>
      ours.all().flatMap((m) => (m.sender === sender && 'gossip' in m ? m.gossip.filter((g) => g.nodeId === subject) : []));
    const seen = await waitFor(() => (about(aId, bId).length > 0 ? about(aId, bId) : undefined), {
      timeout: 30_000,
      message: 'a PING from the first redis-server gossiping about the second',
    });
    expect(seen[0]).toMatchObject({ ip: '127.0.0.1', port: b.port, cport: b.port + CLUSTER_PORT_INCR, pport: 0 });
    expect(seen[0]!.flags & NodeFlag.Master).toBe(NodeFlag.Master);
  });

  it('exchanges PUBLISH both ways and redis-server applies our UPDATE', async () => {
    const link = ours.links.find((l) => l.received.some((m) => m.sender === aId))!;
    const sub = a.client();
    clients.push(sub);
    const got: Buffer[] = [];
    sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => got.push(message));
    await sub.subscribe('from-bus');
    const payload = Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a]);
    link.socket.write(encodeMessage({ ...ours.header(), type: MessageType.Publish, channel: Buffer.from('from-bus'), message: payload }));
    await waitFor(() => got.length > 0, { message: 'our PUBLISH delivered to a subscriber of redis-server' });
    expect(got[0]!.equals(payload)).toBe(true);

    await ca.publish('to-bus', 'hello\x00world');
    const published = await waitFor(
      () => ours.all().find((m): m is PublishMessage => m.type === MessageType.Publish && m.sender === aId),
      { message: 'redis-server to propagate PUBLISH over the bus' },
    );
    expect([published.channel.toString(), published.message.toString()]).toEqual(['to-bus', 'hello\x00world']);
    expect(encodeMessage(published).length).toBe(HEADER_SIZE + 8 + 6 + 11);

    const slots = bitmapFromRanges([{ start: 300, end: 310 }]);
    link.socket.write(encodeMessage({ ...ours.header(), type: MessageType.Update, nodeId: bId, nodeConfigEpoch: 100n, slots }));
    const line = await waitFor(async () => {
      const fields = await nodesLine(ca, bId);
      return fields?.[6] === '100' ? fields : undefined;
    }, { message: 'redis-server to apply our UPDATE about the second node' });
    expect(line.slice(8)).toEqual(['300-310']);
  });
});
