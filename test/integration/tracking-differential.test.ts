// Client-side caching (CLIENT TRACKING), our node vs redis-server 7.0.15: the same steps run on both
// over raw connections (RESP3, and RESP2 with REDIRECT to a subscribed connection), and every frame
// each connection receives, replies and invalidation pushes alike, must be the same, in the same
// place. Covers default mode, OPTIN/OPTOUT with CACHING, NOLOOP, BCAST with prefixes, flushes,
// expiry, MULTI, scripts, CLIENT REPLY OFF, tracking-table-max-keys, the errors, TRACKINGINFO,
// GETREDIR, CLIENT LIST's flags and redir=, and INFO's tracking_* fields.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedis, startNode, type NodeProcess } from '../helpers/processes.js';
import { RawClient, resp } from '../helpers/raw-client.js';
import { Resp3Session } from '../helpers/resp3-session.js';
import { waitFor } from '../helpers/wait-for.js';

/** One command on its own connection; the whole reply text. */
async function query(port: number, ...args: string[]): Promise<string> {
  const raw = await RawClient.open(port);
  try {
    await raw.send(resp(...args));
    await raw.waitFor(`a reply to ${args.join(' ')}`, (text) => /\r\n$/.test(text) && (!text.startsWith('$') || text.length >= Number(text.slice(1, text.indexOf('\r'))) + 4));
    return raw.text();
  } finally {
    raw.destroy();
  }
}

/** INFO's tracking_* fields as one line. */
async function trackingInfo(port: number): Promise<string> {
  const info = await query(port, 'INFO', 'everything');
  return [...info.matchAll(/^(tracking_\w+):(\d+)/gm)].map((m) => `${m[1]}=${m[2]}`).join(' ');
}

/** The flags= and redir= fields of a session connection in CLIENT LIST (redir as a connection name). */
async function listFields(port: number, session: Resp3Session, name: string): Promise<string> {
  const line = await query(port, 'CLIENT', 'LIST', 'ID', String(session.id(name)));
  const flags = /flags=(\S+)/.exec(line)?.[1];
  const redirName = session.nameOf(Number(/redir=(-?\d+)/.exec(line)?.[1]));
  // Redis adds U for a unix socket; both listen on TCP here.
  return `${name}: flags=${flags} redir=${redirName}`;
}

/** Closes a connection and waits until the server has let it go. */
async function drop(port: number, session: Resp3Session, name: string): Promise<void> {
  const id = String(session.id(name));
  session.destroy(name);
  await waitFor(async () => !(await query(port, 'CLIENT', 'LIST', 'ID', id)).includes(`id=${id} `), { message: `client ${name} to be gone` });
}

type Scenario = (port: number, session: Resp3Session) => Promise<void>;

const scenarios: Record<string, Scenario> = {
  async 'default mode, RESP3: reads remembered, the first write invalidates, own writes after the reply'(port, s) {
    await s.open('r', true);
    await s.open('w', false);
    await s.step('w', 'FLUSHALL');
    await s.step('r', 'CLIENT', 'TRACKING', 'on');
    s.transcript.push(await listFields(port, s, 'r'));
    await s.step('r', 'GET', 'k');
    await s.step('r', 'MGET', 'k', 'k2', 'k3');
    await s.step('w', 'SET', 'k', '1');
    await s.step('w', 'SET', 'k', '2');
    await s.step('r', 'GET', 'k');
    await s.step('r', 'SET', 'k', '3');
    await s.step('w', 'DEL', 'k2', 'k3');
    await s.step('r', 'HSET', 'h', 'f', 'v');
    await s.step('r', 'HGET', 'h', 'f');
    await s.step('r', 'STRLEN', 'h');
    await s.step('w', 'HDEL', 'h', 'f');
    // Writes elsewhere invalidate by name: the table does not know databases.
    await s.step('r', 'GET', 'db');
    await s.step('w', 'SELECT', '1');
    await s.step('w', 'SET', 'db', 'x');
    await s.step('r', 'ZSCORE', 'z', 'm');
    await s.step('r', 'EXISTS', 'z', 'e');
    s.transcript.push(await trackingInfo(port));
    await s.step('w', 'SELECT', '0');
    await s.step('w', 'ZADD', 'z', '1', 'm');
    await s.step('w', 'SET', 'e', '1');
    await s.step('r', 'CLIENT', 'TRACKINGINFO');
    await s.step('r', 'CLIENT', 'GETREDIR');
    await s.step('w', 'CLIENT', 'GETREDIR');
    await s.step('w', 'CLIENT', 'TRACKINGINFO');
    await s.step('r', 'GET', 'off');
    await s.step('r', 'CLIENT', 'TRACKING', 'off');
    await s.step('w', 'SET', 'off', '1');
    await s.step('r', 'CLIENT', 'TRACKINGINFO');
    s.transcript.push(await listFields(port, s, 'r'));
  },

  async 'RESP2 with REDIRECT: Pub/Sub messages on __redis__:invalidate, broken redirects'(port, s) {
    await s.open('sub', false);
    await s.open('r2', false);
    await s.open('r3', true);
    await s.open('plain', false);
    await s.open('gone', false);
    await s.open('w', false);
    await s.step('w', 'FLUSHALL');
    await s.step('sub', 'SUBSCRIBE', '__redis__:invalidate');
    await s.step('r2', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '@sub');
    await s.step('r2', 'CLIENT', 'GETREDIR');
    s.transcript.push(await listFields(port, s, 'r2'));
    await s.step('r2', 'GET', 'a');
    await s.step('w', 'SET', 'a', '1');
    await s.step('r2', 'GET', 'a');
    await s.step('r2', 'SET', 'a', '2');
    // A RESP3 client redirecting to a RESP2 subscriber: its flush null is RESP3's.
    await s.step('r3', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '@sub');
    await s.step('r3', 'GET', 'b');
    await s.step('w', 'SET', 'b', '1');
    await s.step('r2', 'FLUSHDB');
    // A target that is not subscribed gets nothing.
    await s.step('r2', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '@plain');
    await s.step('r2', 'GET', 'c');
    await s.step('w', 'SET', 'c', '1');
    await s.step('r3', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '@gone');
    await s.step('r3', 'GET', 'd');
    await drop(port, s, 'gone');
    await s.step('w', 'SET', 'd', '1');
    await s.step('r3', 'CLIENT', 'TRACKINGINFO');
    s.transcript.push(await listFields(port, s, 'r3'));
    await s.step('r3', 'GET', 'd');
    await s.step('r3', 'SET', 'd', '2');
    await s.step('r3', 'CLIENT', 'TRACKING', 'on');
    await s.step('r3', 'CLIENT', 'TRACKINGINFO');
  },

  async 'OPTIN and OPTOUT with CLIENT CACHING: the next command or transaction only'(_port, s) {
    await s.open('a', true);
    await s.open('b', true);
    await s.open('w', false);
    await s.step('w', 'FLUSHALL');
    await s.step('a', 'CLIENT', 'CACHING', 'yes');
    await s.step('a', 'CLIENT', 'TRACKING', 'on', 'OPTIN');
    await s.step('a', 'GET', 'k1');
    await s.step('a', 'CLIENT', 'CACHING', 'yes');
    await s.step('a', 'GET', 'k2');
    await s.step('a', 'GET', 'k3');
    await s.step('a', 'CLIENT', 'CACHING', 'yes');
    await s.step('a', 'CLIENT', 'TRACKINGINFO');
    await s.step('a', 'GET', 'k4');
    await s.step('a', 'CLIENT', 'CACHING', 'yes');
    await s.step('a', 'MULTI');
    await s.step('a', 'GET', 'k5');
    await s.step('a', 'GET', 'k6');
    await s.step('a', 'EXEC');
    await s.step('a', 'CLIENT', 'CACHING', 'yes');
    await s.step('a', 'PING');
    await s.step('a', 'GET', 'k7');
    await s.step('w', 'MSET', 'k1', 'x', 'k2', 'x', 'k3', 'x', 'k4', 'x', 'k5', 'x', 'k6', 'x', 'k7', 'x');
    await s.step('a', 'CLIENT', 'CACHING', 'no');
    await s.step('a', 'CLIENT', 'CACHING', 'maybe');
    await s.step('a', 'CLIENT', 'TRACKING', 'on', 'OPTOUT');
    await s.step('a', 'CLIENT', 'TRACKING', 'on', 'OPTIN', 'OPTOUT');
    await s.step('a', 'CLIENT', 'TRACKING', 'on', 'OPTIN', 'NOLOOP');
    await s.step('a', 'CLIENT', 'TRACKINGINFO');
    await s.step('b', 'CLIENT', 'TRACKING', 'on', 'OPTOUT');
    await s.step('b', 'GET', 'm1');
    await s.step('b', 'CLIENT', 'CACHING', 'no');
    await s.step('b', 'CLIENT', 'TRACKINGINFO');
    await s.step('b', 'GET', 'm2');
    await s.step('b', 'GET', 'm3');
    await s.step('b', 'CLIENT', 'CACHING', 'yes');
    await s.step('w', 'MSET', 'm1', 'x', 'm2', 'x', 'm3', 'x');
    await s.step('w', 'CLIENT', 'CACHING', 'yes');
    await s.step('w', 'CLIENT', 'CACHING', 'yes', 'no');
  },

  async 'NOLOOP: a client is not told of its own writes'(_port, s) {
    await s.open('a', true);
    await s.open('c', true);
    await s.open('w', false);
    await s.step('w', 'FLUSHALL');
    await s.step('a', 'CLIENT', 'TRACKING', 'on', 'NOLOOP');
    await s.step('a', 'GET', 'n');
    await s.step('a', 'SET', 'n', '1');
    await s.step('a', 'GET', 'n');
    await s.step('w', 'SET', 'n', '2');
    await s.step('a', 'CLIENT', 'TRACKINGINFO');
    await s.step('c', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'NOLOOP', 'PREFIX', 'p:');
    await s.step('c', 'SET', 'p:1', 'x');
    await s.step('w', 'SET', 'p:2', 'x');
    await s.step('c', 'MSET', 'p:3', 'x', 'q:1', 'x');
    await s.step('w', 'MULTI');
    await s.step('w', 'SET', 'p:b', 'x');
    await s.step('w', 'SET', 'p:a', 'x');
    await s.step('w', 'SET', 'q:z', 'x');
    await s.step('w', 'EXEC');
    await s.step('c', 'MULTI');
    await s.step('c', 'SET', 'p:c', 'x');
    await s.step('c', 'EXEC');
  },

  async 'BCAST with prefixes: batched per turn, by prefix, keys in byte order; the option errors'(port, s) {
    await s.open('a', true);
    await s.open('b', true);
    await s.open('d', true);
    await s.open('w', false);
    await s.step('w', 'FLUSHALL');
    await s.step('a', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'user:', 'PREFIX', 'order:');
    await s.step('b', 'CLIENT', 'TRACKING', 'on', 'BCAST');
    s.transcript.push(await listFields(port, s, 'a'));
    s.transcript.push(await trackingInfo(port));
    await s.step('a', 'CLIENT', 'TRACKINGINFO');
    await s.step('b', 'CLIENT', 'TRACKINGINFO');
    await s.step('w', 'SET', 'user:1', 'x');
    await s.step('w', 'SET', 'other', 'x');
    await s.step('w', 'MULTI');
    await s.step('w', 'SET', 'user:9', 'x');
    await s.step('w', 'SET', 'order:2', 'x');
    await s.step('w', 'SET', 'user:3', 'x');
    await s.step('w', 'DEL', 'user:9', 'missing');
    await s.step('w', 'EXEC');
    await s.step('a', 'GET', 'user:1');
    await s.step('a', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'user:x');
    await s.step('a', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'use');
    await s.step('a', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'cart:');
    await s.step('a', 'CLIENT', 'TRACKING', 'on');
    await s.step('a', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'OPTIN');
    await s.step('a', 'CLIENT', 'TRACKINGINFO');
    await s.step('w', 'SET', 'cart:1', 'x');
    await s.step('d', 'CLIENT', 'TRACKING', 'on', 'PREFIX', 'x');
    await s.step('d', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'a', 'PREFIX', 'ab');
    await s.step('d', 'CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'a', 'PREFIX', 'b', 'PREFIX', 'bc');
    await s.step('d', 'CLIENT', 'TRACKINGINFO');
    await s.step('d', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '@a', 'REDIRECT', '@b');
    await s.step('d', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', 'nine');
    await s.step('d', 'CLIENT', 'TRACKING', 'on', 'REDIRECT', '999999');
    await s.step('d', 'CLIENT', 'TRACKING', 'on', 'SOMETIMES');
    await s.step('d', 'CLIENT', 'TRACKING', 'maybe');
    await s.step('d', 'CLIENT', 'TRACKING', 'maybe', 'PREFIX');
    await s.step('d', 'CLIENT', 'TRACKING');
    s.transcript.push(await trackingInfo(port));
    await s.step('a', 'CLIENT', 'TRACKING', 'off');
    await s.step('b', 'RESET');
    await s.step('d', 'CLIENT', 'TRACKING', 'off');
    s.transcript.push(await trackingInfo(port));
    await s.step('w', 'SET', 'user:2', 'x');
  },

  async 'FLUSHDB and FLUSHALL: every tracking client is told "everything" with a null'(_port, s) {
    await s.open('a', true);
    await s.open('b', true);
    await s.open('w', false);
    await s.step('w', 'FLUSHALL');
    await s.step('a', 'CLIENT', 'TRACKING', 'on');
    await s.step('b', 'CLIENT', 'TRACKING', 'on', 'BCAST');
    await s.step('a', 'GET', 'f');
    await s.step('w', 'FLUSHALL');
    await s.step('w', 'SET', 'f', '1');
    await s.step('a', 'GET', 'f');
    await s.step('a', 'FLUSHDB');
    await s.step('w', 'FLUSHDB', 'ASYNC');
    await s.step('a', 'MULTI');
    await s.step('a', 'FLUSHDB');
    await s.step('a', 'SET', 'g', '1');
    await s.step('a', 'FLUSHALL', 'SYNC');
    await s.step('a', 'EXEC');
    await s.step('a', 'GET', 'f');
    await s.step('w', 'SET', 'f', '2');
  },

  async 'expired keys invalidate'(port, s) {
    await s.open('a', true);
    await s.open('w', false);
    await s.step('w', 'FLUSHALL');
    await s.step('a', 'CLIENT', 'TRACKING', 'on');
    // Long enough for the read to come first on a loaded machine; the wait below is a condition.
    await s.step('w', 'SET', 'e', 'v', 'PX', '1500');
    await s.step('a', 'GET', 'e');
    await waitFor(async () => (await query(port, 'PTTL', 'e')) === ':-2\r\n', { timeout: 20_000, message: 'e to expire' });
    await s.settle();
    await s.step('w', 'SET', 'e', 'v');
  },

  async 'scripts: the caller remembers what its script read; its writes come after the reply'(_port, s) {
    await s.open('a', true);
    await s.open('w', false);
    await s.step('w', 'FLUSHALL');
    await s.step('a', 'CLIENT', 'TRACKING', 'on');
    await s.step('a', 'EVAL', "return redis.call('get', KEYS[1])", '1', 's1');
    await s.step('a', 'EVAL_RO', "return redis.call('get', KEYS[1])", '1', 's2');
    await s.step('a', 'EVAL', "redis.call('set', KEYS[1], 'x') return redis.call('get', KEYS[2])", '2', 's1', 's3');
    await s.step('w', 'EVAL', "redis.call('set', 's2', 'x') redis.call('set', 's3', 'x') return 1", '0');
    await s.step('a', 'CLIENT', 'TRACKING', 'on', 'NOLOOP');
    await s.step('a', 'GET', 's4');
    await s.step('a', 'EVAL', "return redis.call('set', KEYS[1], 'y')", '1', 's4');
  },

  async 'CLIENT REPLY OFF: invalidations are still delivered'(_port, s) {
    await s.open('a', true);
    await s.open('w', false);
    await s.step('w', 'FLUSHALL');
    await s.step('a', 'CLIENT', 'TRACKING', 'on');
    await s.step('a', 'GET', 'r');
    s.silence('a', true);
    await s.step('a', 'CLIENT', 'REPLY', 'OFF');
    await s.step('w', 'SET', 'r', '1');
    await s.waitFrames('a', 1);
    await s.step('a', 'GET', 'r');
    s.silence('a', false);
    await s.step('a', 'CLIENT', 'REPLY', 'ON');
  },
};

describe.skipIf(!hasRedis())('client-side caching: our node vs redis-server', () => {
  let nodes: NodeProcess[] = [];
  beforeAll(async () => {
    nodes = await Promise.all([startNode(), startNode({ engine: 'redis' })]);
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  });

  async function run(scenario: Scenario, port: number): Promise<string[]> {
    const session = new Resp3Session(port);
    try {
      await scenario(port, session);
      return session.transcript;
    } finally {
      session.close();
    }
  }

  for (const [name, scenario] of Object.entries(scenarios)) {
    it(name, async () => {
      const [ours, theirs] = await Promise.all(nodes.map((node) => run(scenario, node.port)));
      expect(ours.join('\n')).toEqual(theirs.join('\n'));
      // Something was invalidated: the comparison is about invalidations, not only replies.
      expect(ours.join('\n')).toMatch(/invalidate/);
    }, 60_000);
  }

  it('tracking-table-max-keys: keys over the limit are invalidated (which ones is Redis random)', async () => {
    const scenario: Scenario = async (port, s) => {
      await s.open('a', true);
      await s.open('w', false);
      await s.step('w', 'FLUSHALL');
      await s.step('w', 'CONFIG', 'SET', 'tracking-table-max-keys', '2');
      await s.step('w', 'CONFIG', 'GET', 'tracking-table-max-keys');
      await s.step('a', 'CLIENT', 'TRACKING', 'on');
      await s.step('a', 'GET', 't1');
      await s.step('a', 'GET', 't2');
      await s.step('a', 'GET', 't3');
      s.transcript.push(await trackingInfo(port));
      await s.step('w', 'CONFIG', 'SET', 'tracking-table-max-keys', '0');
      await s.step('a', 'MGET', 't4', 't5', 't6');
      s.transcript.push(await trackingInfo(port));
      await s.step('w', 'CONFIG', 'SET', 'tracking-table-max-keys', '1000000');
    };
    const [ours, theirs] = await Promise.all(nodes.map((node) => run(scenario, node.port)));
    const anyKey = (lines: string[]) => lines.map((line) => line.replace(/\$2\\r\\nt\d/g, '$2\\r\\nt?'));
    expect(anyKey(ours).join('\n')).toEqual(anyKey(theirs).join('\n'));
    expect(ours.join('\n')).toMatch(/invalidate/);
  }, 60_000);
});
