// The two servers the scripting differential tests compare: our node and redis-server 7.0, started
// before a describe block's tests and stopped after them, with one ioredis client on each.

import { afterAll, beforeAll } from 'vitest';
import type { Redis } from 'ioredis';
import { startNode, type NodeProcess } from '../helpers/processes.js';

export interface ServerPair {
  /** Our node and its client. */
  ours: NodeProcess;
  a: Redis;
  /** redis-server and its client. */
  theirs: NodeProcess;
  b: Redis;
}

/** Call inside a describe block: the pair is filled in by beforeAll. */
export function useServerPair(): ServerPair {
  const pair = {} as ServerPair;
  beforeAll(async () => {
    [pair.ours, pair.theirs] = await Promise.all([startNode(), startNode({ engine: 'redis' })]);
    pair.a = pair.ours.client();
    pair.b = pair.theirs.client();
  });
  afterAll(async () => {
    pair.a?.disconnect();
    pair.b?.disconnect();
    await Promise.all([pair.ours?.stop(), pair.theirs?.stop()]);
  });
  return pair;
}
