// Nodes a test starts (ours or redis-server) with a client each, all stopped after every test of the
// describe block that asked for them, whatever the test's outcome.

import { afterEach } from 'vitest';
import type { Redis } from 'ioredis';
import { startNode, type Engine, type NodeProcess } from './processes.js';

export interface TrackedNode {
  node: NodeProcess;
  client: Redis;
}

/** Registers the cleanup hook; the returned function starts a node (diskless sync without delay). */
export function useTrackedNodes(): (engine: Engine, config?: Record<string, string>) => Promise<TrackedNode> {
  const tracked: TrackedNode[] = [];
  afterEach(async () => {
    const done = tracked.splice(0);
    for (const { client } of done) client.disconnect();
    await Promise.all(done.map(({ node }) => node.stop()));
  });
  return async (engine, config = {}) => {
    const node = await startNode({ engine, config: { 'repl-diskless-sync-delay': '0', ...config } });
    const entry = { node, client: node.client() };
    tracked.push(entry);
    return entry;
  };
}
