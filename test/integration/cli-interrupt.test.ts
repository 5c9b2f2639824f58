// Ctrl-C during `up`: clusterctl stops every process it started (exit 130) and leaves none behind.
// The replicas' full sync is held back (repl-diskless-sync-delay 30) so that `up` is still waiting
// when the signal arrives.

import { describe, expect, it } from 'vitest';
import { hasRedis, startNode } from '../helpers/processes.js';
import { Sandbox, topology } from './cli-harness.js';

/** Does our node implement REPLICAOF yet? (`REPLICAOF NO ONE` on a master is a harmless no-op.) */
async function builtinReplicates(): Promise<boolean> {
  const node = await startNode();
  const client = node.client({ enableReadyCheck: false });
  try {
    await client.call('REPLICAOF', 'NO', 'ONE');
    return true;
  } catch (error) {
    return !/unknown command/i.test((error as Error).message);
  } finally {
    client.disconnect();
    await node.stop();
  }
}

const engines = [...(hasRedis() ? (['redis'] as const) : []), ...((await builtinReplicates()) ? (['builtin'] as const) : [])];

describe.each(engines)('Ctrl-C during up (engine %s)', (engine) => {
  it('stops everything this up started and exits 130', async () => {
    const topo = await topology(`int-${engine}`, engine, { m1: null, r1: 'm1', r2: 'm1' }, 'defaults: { repl-diskless-sync-delay: 30 }\n');
    const box = Sandbox.create(topo.yaml);
    try {
      const { code, output } = await box.interrupt(['up'], (text) => box.pids.size === 3 && /Started m1/.test(text), 'up to start all three nodes');
      expect(code).toBe(130);
      expect(output).toMatch(/Interrupted \(SIGINT\): stopping m1, r1, r2/);
      expect(box.alive()).toEqual([]);
      expect(box.state(`int-${engine}`).nodes.map((n: any) => n.pid)).toEqual([null, null, null]);
    } finally {
      expect(await box.cleanup()).toEqual([]);
    }
  });
});
