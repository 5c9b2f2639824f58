// Our node and a redis-server side by side for one differential test file: both started before its
// tests, both stopped after them. The clients are read through getters once the hook has run.

import { afterAll, beforeAll } from 'vitest';
import type { Redis } from 'ioredis';
import { startNode, type NodeProcess } from './processes.js';

export interface ServerPair {
  /** A client of our node. */
  readonly ours: Redis;
  /** A client of redis-server. */
  readonly theirs: Redis;
}

/**
 * Registers the hooks in the calling describe block; use the returned pair inside its tests. `config`:
 * directives both start with (redis.conf spelling).
 */
export function useServerPair(config?: Record<string, string>): ServerPair {
  let nodes: NodeProcess[] = [];
  let clients: Redis[] = [];
  beforeAll(async () => {
    nodes = await Promise.all([startNode({ config }), startNode({ engine: 'redis', config })]);
    clients = nodes.map((node) => node.client());
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await Promise.all(nodes.map((node) => node.stop()));
  });
  return {
    get ours() {
      return clients[0]!;
    },
    get theirs() {
      return clients[1]!;
    },
  };
}
