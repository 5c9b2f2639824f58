// Input limits over real sockets, run against our node and (when installed) redis-server with the
// same bytes: proto-max-bulk-len, client-query-buffer-limit, the pre-AUTH limits under requirepass;
// and, ours only, a client pipelining 100k commands without reading cannot grow server memory.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedis, startNode, type Engine, type NodeProcess } from '../helpers/processes.js';
import { RawClient, resp, rssBytes } from '../helpers/raw-client.js';
import { info } from '../helpers/info.js';
import { waitFor } from '../helpers/wait-for.js';

const MB = 1024 * 1024;
const engines: Engine[] = hasRedis() ? ['builtin', 'redis'] : ['builtin'];

describe.each(engines)('input limits (%s)', (engine) => {
  let bulkLimited: NodeProcess;
  let queryLimited: NodeProcess;
  let withPassword: NodeProcess;
  const clients: RawClient[] = [];
  const open = async (node: NodeProcess) => {
    const client = await RawClient.open(node.port);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    [bulkLimited, queryLimited, withPassword] = await Promise.all([
      startNode({ engine, config: { 'proto-max-bulk-len': '1mb' } }),
      startNode({ engine, config: { 'client-query-buffer-limit': '1mb' } }),
      startNode({ engine }),
    ]);
    // Set after start: the readiness probe cannot AUTH. Connections opened from now on must.
    const admin = withPassword.client();
    await admin.config('SET', 'requirepass', 'sesame');
    admin.disconnect();
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await Promise.all([bulkLimited?.stop(), queryLimited?.stop(), withPassword?.stop()]);
  });

  it('proto-max-bulk-len: an argument of exactly the limit is taken, one byte more closes the connection', async () => {
    const client = await open(bulkLimited);
    await client.send(resp('SET', 'k', 'x'.repeat(MB)) + resp('STRLEN', 'k'));
    await client.waitFor('SET and STRLEN replies', (t) => t === `+OK\r\n:${MB}\r\n`);
    await client.send(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${MB + 1}\r\n`);
    await client.waitClosed();
    expect(client.text()).toBe(`+OK\r\n:${MB}\r\n-ERR Protocol error: invalid bulk length\r\n`);
  });

  it('proto-max-bulk-len: CONFIG SET applies to connections already open', async () => {
    const early = await open(bulkLimited);
    const admin = await open(bulkLimited);
    await admin.send(resp('CONFIG', 'SET', 'proto-max-bulk-len', '2mb'));
    await admin.waitFor('CONFIG SET reply', (t) => t === '+OK\r\n');
    await early.send(resp('SET', 'k2', 'y'.repeat(MB + 1)) + resp('STRLEN', 'k2'));
    await early.waitFor('replies', (t) => t === `+OK\r\n:${MB + 1}\r\n`);
    await admin.send(resp('CONFIG', 'SET', 'proto-max-bulk-len', '1mb'));
    await admin.waitFor('CONFIG SET reply', (t) => t === '+OK\r\n+OK\r\n');
  });

  it('client-query-buffer-limit: a client over it is disconnected and the others carry on', async () => {
    const bystander = await open(queryLimited);
    await bystander.send(resp('SET', 'kept', 'value'));
    await bystander.waitFor('SET reply', (t) => t === '+OK\r\n');
    const greedy = await open(queryLimited);
    // A 2MB argument is legal (proto-max-bulk-len is 512mb) but cannot sit in a 1MB query buffer.
    await greedy.send(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${2 * MB}\r\n`);
    for (let sent = 0; sent < 2 * MB && !greedy.closed; sent += 256 * 1024) await greedy.send('z'.repeat(256 * 1024));
    await greedy.waitClosed();
    expect(greedy.text()).toBe('');
    await bystander.send(resp('GET', 'kept') + resp('EXISTS', 'big'));
    await bystander.waitFor('bystander replies', (t) => t === '+OK\r\n$5\r\nvalue\r\n:0\r\n');
  });

  it('client-query-buffer-limit counts unparsed bytes only: arguments already read do not add up', async () => {
    const client = await open(queryLimited);
    const part = 'p'.repeat(700 * 1024);
    await client.send(resp('RPUSH', 'parts', part, part, part) + resp('LLEN', 'parts'));
    await client.waitFor('RPUSH and LLEN replies', (t) => t === ':3\r\n:3\r\n');
    expect(client.closed).toBe(false);
  });

  it('before AUTH: more than 10 arguments is a protocol error that closes the connection', async () => {
    const client = await open(withPassword);
    await client.send('*11\r\n');
    await client.waitClosed();
    expect(client.text()).toBe('-ERR Protocol error: unauthenticated multibulk length\r\n');
  });

  it('before AUTH: an argument over 16384 bytes is a protocol error that closes the connection', async () => {
    const client = await open(withPassword);
    await client.send(resp('ECHO', 'a'.repeat(16384)));
    await client.waitFor('NOAUTH for a 16384-byte argument', (t) => t.startsWith('-NOAUTH'));
    await client.send('*2\r\n$4\r\nECHO\r\n$16385\r\n');
    await client.waitClosed();
    expect(client.text()).toBe('-NOAUTH Authentication required.\r\n-ERR Protocol error: unauthenticated bulk length\r\n');
  });

  it('after AUTH the same connection may send long commands and big arguments', async () => {
    const client = await open(withPassword);
    const pairs = Array.from({ length: 10 }, (_, i) => [`key${i}`, `v${i}`]).flat();
    await client.send(resp('AUTH', 'sesame') + resp('MSET', ...pairs) + resp('SET', 'big', 'b'.repeat(20000)) + resp('STRLEN', 'big'));
    await client.waitFor('AUTH, MSET, SET, STRLEN replies', (t) => t === '+OK\r\n+OK\r\n+OK\r\n:20000\r\n');
  });
});

describe('a client that pipelines without reading (our node)', () => {
  let node: NodeProcess;
  const clients: RawClient[] = [];
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await node?.stop();
  });

  it('pauses reading it: memory stays bounded, other clients are served, every reply arrives later', async () => {
    const VALUE = 4096;
    const COUNT = 100_000;
    const admin = node.client();
    try {
      await admin.set('big', 'v'.repeat(VALUE));
      const before = await rssBytes(node.pid);
      const getCalls = async () => Number(/calls=(\d+)/.exec((await info(admin, 'commandstats')).cmdstat_get ?? '')?.[1] ?? 0);
      const callsBefore = await getCalls();
      const greedy = await RawClient.open(node.port);
      clients.push(greedy);
      greedy.socket.pause(); // never read: replies pile up on the server side
      void greedy.send(resp('GET', 'big').repeat(COUNT));
      // Unbounded, the server would run all 100k GETs and hold 400MB of replies. It must stop early.
      let last = -1;
      const settled = await waitFor(
        async () => {
          const processed = (await getCalls()) - callsBefore;
          if (processed >= COUNT) throw new Error('the server ran every command without the client reading');
          const stable = processed === last && processed > 0;
          last = processed;
          return stable ? processed : 0;
        },
        { timeout: 20_000, interval: 300, message: 'the server to stop processing the unread pipeline' },
      );
      expect(settled).toBeLessThan(COUNT / 2);
      expect((await rssBytes(node.pid)) - before).toBeLessThan(160 * 1024 * 1024);
      expect(await admin.ping()).toBe('PONG');

      const replyBytes = `$${VALUE}\r\n${'v'.repeat(VALUE)}\r\n`.length * COUNT;
      greedy.socket.on('data', () => greedy.discard());
      greedy.socket.resume();
      await waitFor(() => greedy.received >= replyBytes, { timeout: 40_000, message: 'every reply to reach the client' });
      expect(greedy.received).toBe(replyBytes);
    } finally {
      admin.disconnect();
    }
  });
});
