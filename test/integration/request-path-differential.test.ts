// Differential test of the request path's order (redis-server 7.0 processCommand): the same
// requests, sent raw on one connection each, to redis-server and to our node in the same states
// (a read-only replica whose master is gone, a master short of replicas, a password), replies
// compared byte for byte. Which check answers first is what a client sees: READONLY before the
// pub/sub-context error, a refusal inside MULTI that makes EXEC answer EXECABORT, and so on.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, hasRedis, startNode, type NodeProcess } from '../helpers/processes.js';
import { RawClient, resp } from '../helpers/raw-client.js';

/** Index just past one complete RESP reply starting at `at`, or -1 when more bytes are needed. */
function replyEnd(text: string, at: number): number {
  const eol = text.indexOf('\r\n', at);
  if (eol < 0) return -1;
  const type = text[at];
  if (type === '$') {
    const length = Number(text.slice(at + 1, eol));
    if (length < 0) return eol + 2;
    return text.length >= eol + 2 + length + 2 ? eol + 2 + length + 2 : -1;
  }
  if (type === '*' || type === '>') {
    let next = eol + 2;
    for (let i = Number(text.slice(at + 1, eol)); i > 0; i--) {
      next = replyEnd(text, next);
      if (next < 0) return -1;
    }
    return next;
  }
  return eol + 2;
}

/** Sends each request in turn on one connection; returns each raw reply. */
async function session(port: number, requests: (string | number)[][]): Promise<string[]> {
  const client = await RawClient.open(port);
  const replies: string[] = [];
  try {
    let read = 0;
    for (const request of requests) {
      await client.send(resp(...request));
      let end = -1;
      await client.waitFor(`a reply to ${request.join(' ')}`, (text) => (end = replyEnd(text, read)) > 0, 5000);
      replies.push(client.text().slice(read, end));
      read = end;
    }
  } finally {
    client.destroy();
  }
  return replies;
}

interface Pair {
  redis: NodeProcess;
  ours: NodeProcess;
}

const run = hasRedis();

describe.skipIf(!run)('request path order, against redis-server 7.0', () => {
  const pairs: Record<'replica' | 'staleReplica' | 'master' | 'password', Pair> = {} as never;

  beforeAll(async () => {
    // A master that never answers: the replicas stay read-only with their link down.
    const gone = String(await freePort());
    const configs: Record<keyof typeof pairs, Record<string, string>> = {
      replica: { replicaof: `127.0.0.1 ${gone}` },
      staleReplica: { replicaof: `127.0.0.1 ${gone}` },
      master: { 'min-replicas-to-write': '1' },
      password: {},
    };
    for (const [name, config] of Object.entries(configs) as [keyof typeof pairs, Record<string, string>][]) {
      // Our self-fencing (a stall confirmed by min-replicas ACKs) is not Redis's: off here, so the
      // comparison is of Redis's own checks.
      pairs[name] = { redis: await startNode({ engine: 'redis', config }), ours: await startNode({ config: { ...config, 'fence-lease-ms': '0' } }) };
    }
    // Set after start: the start-up PING would be refused (MASTERDOWN, NOAUTH).
    for (const node of Object.values(pairs.staleReplica)) await session(node.port, [['CONFIG', 'SET', 'replica-serve-stale-data', 'no']]);
    for (const node of Object.values(pairs.password)) await session(node.port, [['CONFIG', 'SET', 'requirepass', 'secret']]);
  }, 60_000);

  afterAll(async () => {
    for (const pair of Object.values(pairs)) await Promise.all([pair.redis?.stop(), pair.ours?.stop()]);
  });

  const same = async (pair: keyof typeof pairs, requests: (string | number)[][]) => {
    const [expected, actual] = await Promise.all([session(pairs[pair].redis.port, requests), session(pairs[pair].ours.port, requests)]);
    expect(actual).toEqual(expected);
    return actual;
  };

  it('a write inside MULTI on a read-only replica is refused at once, and EXEC then aborts', async () => {
    const replies = await same('replica', [['MULTI'], ['SET', 'k', 'v'], ['GET', 'k'], ['EXEC'], ['GET', 'k']]);
    expect(replies[1]).toMatch(/^-READONLY /);
    expect(replies[3]).toMatch(/^-EXECABORT /);
  });

  it("a RESP2 subscriber's write on a replica gets READONLY, not the pub/sub-context error", async () => {
    const replies = await same('replica', [['SUBSCRIBE', 'ch'], ['SET', 'k', 'v'], ['GET', 'k'], ['PING'], ['UNSUBSCRIBE']]);
    expect(replies[1]).toMatch(/^-READONLY /);
    expect(replies[2]).toMatch(/^-ERR Can't execute 'get'/);
  });

  it('a stale replica: READONLY for writes comes before MASTERDOWN; stale commands still run', async () => {
    const replies = await same('staleReplica', [['SET', 'k', 'v'], ['GET', 'k'], ['MULTI'], ['GET', 'k'], ['PING'], ['EXEC'], ['ECHO', 'x']]);
    expect(replies[0]).toMatch(/^-READONLY /);
    expect(replies[1]).toMatch(/^-MASTERDOWN /);
  });

  it('a master short of replicas: NOREPLICAS before the pub/sub context and inside MULTI', async () => {
    await same('master', [['SET', 'k', 'v'], ['MULTI'], ['SET', 'k', 'v'], ['GET', 'k'], ['EXEC'], ['SUBSCRIBE', 'c'], ['SET', 'k', 'v'], ['GET', 'k']]);
  });

  it('EXEC of a queue the node can no longer run answers EXECABORT with the reason', async () => {
    for (const engine of ['redis', 'ours'] as const) await session(pairs.master[engine].port, [['CONFIG', 'SET', 'min-replicas-to-write', '0']]);
    const queue = [['MULTI'], ['SET', 'k', 'v'], ['INCR', 'n']];
    const results: string[][] = [];
    for (const engine of ['redis', 'ours'] as const) {
      const port = pairs.master[engine].port;
      const client = await RawClient.open(port);
      try {
        await client.send(queue.map((r) => resp(...r)).join(''));
        await client.waitFor('the queue', (text) => text === '+OK\r\n+QUEUED\r\n+QUEUED\r\n');
        await session(port, [['CONFIG', 'SET', 'min-replicas-to-write', '1']]);
        await client.send(resp('EXEC') + resp('EXISTS', 'k'));
        await client.waitFor('EXEC and EXISTS', (text) => text.endsWith(':0\r\n') || text.endsWith(':1\r\n'));
        results.push([client.text()]);
      } finally {
        client.destroy();
      }
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[0]![0]).toContain('-EXECABORT Transaction discarded because of: NOREPLICAS');
  });

  it('lookup and arity come before NOAUTH; NOAUTH before the rest', async () => {
    await same('password', [['NOSUCH', 'x'], ['GET'], ['GET', 'k'], ['MULTI'], ['AUTH', 'wrong'], ['AUTH', 'secret'], ['GET', 'k']]);
  });

  it('an unknown command or a wrong arity inside MULTI makes EXEC abort', async () => {
    await same('master', [['MULTI'], ['NOSUCH'], ['GET'], ['PING'], ['EXEC'], ['MULTI'], ['MULTI'], ['WATCH', 'x'], ['EXEC']]);
  });
});
