// Protocol framing limits over raw sockets, the same bytes sent to redis-server 7.0 and to our node:
// the exact `-ERR Protocol error: ...` texts and whether the connection is closed after them
// (networking.c processInlineBuffer / processMultibulkBuffer), the CONFIG SET bounds of
// proto-max-bulk-len and client-query-buffer-limit, and pub/sub pushes under CLIENT REPLY OFF.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedis, startNode, type NodeProcess } from '../helpers/processes.js';
import { RawClient, resp } from '../helpers/raw-client.js';
import { INLINE_MAX_SIZE } from '../../src/shared/resp/request-parser.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Malformed or borderline requests; each one goes on its own connection. */
const CASES: [string, string][] = [
  ['inline request of 64KB + 1 without a newline', 'x'.repeat(64 * 1024 + 1)],
  ['inline request of 70KB without a newline', 'garbage '.repeat(9000)],
  ['inline request of exactly 64KB without a newline (still waiting)', 'x'.repeat(64 * 1024)],
  ['multibulk count line over 64KB', '*' + '1'.repeat(70 * 1024)],
  ['bulk count line over 64KB', '*1\r\n$' + '1'.repeat(70 * 1024)],
  ['multibulk count not a number', '*abc\r\n'],
  ['multibulk count with a plus sign', '*+1\r\n'],
  ['multibulk count -0', '*-0\r\n'],
  ['multibulk count over INT_MAX', '*2147483648\r\n'],
  ['multibulk count of INT_MAX (waits)', '*2147483647\r\n'],
  ['bulk length not a number', '*1\r\n$abc\r\n'],
  ['bulk length negative', '*1\r\n$-1\r\n'],
  ['bulk length with a blank', '*1\r\n$ 4\r\nPING\r\n'],
  ['bulk length with a leading zero', '*1\r\n$01\r\nP\r\n'],
  ['bulk length over proto-max-bulk-len', '*1\r\n$536870913\r\n'],
  ['bulk without its $', '*1\r\nfoo\r\n'],
  ['unbalanced quotes inline', 'set "a\r\n'],
  ['*0 and empty lines are skipped', '*0\r\n\r\n\r\nPING\r\n'],
  ['a command after a protocol error is not run', '*1\r\n$x\r\n' + resp('PING')],
];

/** Sends bytes on a fresh connection; what came back and whether the server closed it. */
async function exchange(port: number, bytes: string): Promise<{ reply: string; closed: boolean }> {
  const client = await RawClient.open(port);
  try {
    await client.send(bytes);
    await sleep(250);
    return { reply: client.text(), closed: client.closed };
  } finally {
    client.destroy();
  }
}

describe.skipIf(!hasRedis())('protocol limits: our node and redis-server answer the same bytes alike', () => {
  let ours: NodeProcess;
  let redis: NodeProcess;

  beforeAll(async () => {
    [ours, redis] = await Promise.all([startNode(), startNode({ engine: 'redis' })]);
  });
  afterAll(async () => {
    await Promise.all([ours?.stop(), redis?.stop()]);
  });

  it.each(CASES)('%s', async (_name, bytes) => {
    const [mine, theirs] = await Promise.all([exchange(ours.port, bytes), exchange(redis.port, bytes)]);
    expect(mine).toEqual(theirs);
  });

  it('an error closes the connection: garbage without a newline cannot keep it open', async () => {
    const client = await RawClient.open(ours.port);
    // One byte past PROTO_INLINE_MAX_SIZE, then nothing more: the node refuses only once it has read
    // every byte, so it closes with an empty receive queue (a FIN, not a RST that could discard the
    // error reply before this client reads it, as more bytes sent after the close would cause).
    await client.send('x'.repeat(INLINE_MAX_SIZE + 1));
    await client.waitClosed();
    expect(client.text()).toBe('-ERR Protocol error: too big inline request\r\n');
  });

  it('CONFIG SET bounds of proto-max-bulk-len and client-query-buffer-limit', async () => {
    const sets = [
      ['proto-max-bulk-len', '1'],
      ['proto-max-bulk-len', '1048575'],
      ['proto-max-bulk-len', '1mb'],
      ['proto-max-bulk-len', '-1'],
      ['proto-max-bulk-len', 'abc'],
      ['proto-max-bulk-len', '2gb'],
      ['proto-max-bulk-len', '512mb'],
      ['client-query-buffer-limit', '0'],
      ['client-query-buffer-limit', '1048575'],
      ['client-query-buffer-limit', '1048576'],
      ['client-query-buffer-limit', '1gb'],
    ];
    const bytes = sets.map(([name, value]) => resp('CONFIG', 'SET', name!, value!)).join('') + resp('CONFIG', 'GET', 'proto-max-bulk-len');
    const [mine, theirs] = await Promise.all([exchange(ours.port, bytes), exchange(redis.port, bytes)]);
    expect(mine.reply).toContain('argument must be between 1048576 and 9223372036854775807 inclusive');
    expect(mine).toEqual(theirs);
  });

  it.each([2, 3])('CLIENT REPLY OFF/SKIP: pub/sub frames still arrive, other replies do not (RESP%i)', async (proto) => {
    const run = async (port: number) => {
      const [sub, other] = await Promise.all([RawClient.open(port), RawClient.open(port)]);
      try {
        await sub.send(resp('HELLO', proto) + resp('CLIENT', 'REPLY', 'OFF') + resp('SUBSCRIBE', 'ch') + resp('PSUBSCRIBE', 'c*'));
        await sleep(100);
        sub.discard();
        await other.send(resp('PUBLISH', 'ch', 'hi'));
        await sleep(100);
        await sub.send(resp('UNSUBSCRIBE', 'ch') + resp('PUNSUBSCRIBE') + resp('CLIENT', 'REPLY', 'SKIP') + resp('SUBSCRIBE', 'c2'));
        await sleep(150);
        return sub.text();
      } finally {
        sub.destroy();
        other.destroy();
      }
    };
    const [mine, theirs] = await Promise.all([run(ours.port), run(redis.port)]);
    expect(mine).toContain('message');
    expect(mine).toBe(theirs);
  });

  it('CLIENT REPLY OFF silences the late reply of an unblocked BLPOP', async () => {
    const run = async (port: number) => {
      const [blocked, other] = await Promise.all([RawClient.open(port), RawClient.open(port)]);
      try {
        await blocked.send(resp('CLIENT', 'REPLY', 'OFF') + resp('BLPOP', 'offlist', 0));
        await sleep(100);
        await other.send(resp('RPUSH', 'offlist', 'x'));
        await sleep(100);
        await blocked.send(resp('CLIENT', 'REPLY', 'ON') + resp('LLEN', 'offlist'));
        // LLEN's reply ends what this client can get; a loaded machine may take longer than any sleep.
        for (let waited = 0; !blocked.text().endsWith(':0\r\n') && waited < 10_000; waited += 20) await sleep(20);
        await sleep(100);
        return blocked.text();
      } finally {
        blocked.destroy();
        other.destroy();
      }
    };
    const [mine, theirs] = await Promise.all([run(ours.port), run(redis.port)]);
    expect(theirs).toBe('+OK\r\n:0\r\n');
    expect(mine).toBe(theirs);
  });
});
