// `failover --to NODE` with sentinels. SENTINEL FAILOVER takes no target: the sentinel promotes the
// replica with the lowest non-zero replica-priority (then the largest offset). So the target gets
// priority 1 and the master's other replicas 0 ("never promote"), clusterctl waits until the sentinel
// it will ask reports those priorities (it reads them from each replica's INFO, every 10 s in Redis
// Sentinel, so this can take that long), and the returned function puts the old values back.

import { CliError, EXIT } from '../../errors.js';
import { call } from '../../probe/client.js';
import type { RunState } from '../../state/run-state.js';
import { sleep } from '../../util/sleep.js';
import { liveCluster } from '../../cluster/live.js';
import { selectNode } from '../../cluster/select.js';
import type { SentinelView } from '../../cluster/sentinels.js';

export async function preferReplica(state: RunState, asked: SentinelView, master: string, to: string, deadline: number): Promise<() => Promise<void>> {
  const live = await liveCluster(state);
  const { record: target } = await selectNode(state, to, live);
  const direct = live.filter((node) => node.upstream === master && node.process === 'running').map((node) => node.record);
  if (!direct.includes(target)) {
    throw new CliError(`${target.name} is not a replica of the master ${master}, so the sentinels cannot promote it`, {
      exit: EXIT.USAGE,
      code: 'BAD_TARGET',
      suggestion: `Candidates: ${direct.map((n) => n.name).join(', ') || 'none'}.`,
    });
  }
  const wanted = new Map(direct.map((node) => [node.port, node === target ? '1' : '0']));
  const before = new Map<number, string>();
  for (const node of direct) {
    const [, value] = (await call(node.port, ['CONFIG', 'GET', 'replica-priority'])) as string[];
    before.set(node.port, value ?? '100');
  }
  const restore = async () => {
    await Promise.all([...before].map(([port, value]) => call(port, ['CONFIG', 'SET', 'replica-priority', value]).catch(() => {})));
  };
  try {
    await Promise.all([...wanted].map(([port, value]) => call(port, ['CONFIG', 'SET', 'replica-priority', value])));
    await waitForPriorities(state, asked, wanted, deadline);
  } catch (error) {
    await restore();
    throw error;
  }
  return restore;
}

/** Until SENTINEL REPLICAS on the asked sentinel shows every wanted priority. */
async function waitForPriorities(state: RunState, asked: SentinelView, wanted: Map<number, string>, deadline: number): Promise<void> {
  const name = state.spec.sentinels!.monitorName;
  for (;;) {
    const replicas = (await call(asked.port, ['SENTINEL', 'REPLICAS', name])) as string[][];
    const seen = new Map<number, string>();
    for (const flat of replicas) {
      const fields = new Map<string, string>();
      for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i]!, flat[i + 1]!);
      seen.set(Number(fields.get('port')), fields.get('slave-priority') ?? '');
    }
    if ([...wanted].every(([port, value]) => seen.get(port) === value)) return;
    if (Date.now() >= deadline) {
      throw new CliError(`${asked.name} did not see the new replica priorities in time`, {
        exit: EXIT.TIMEOUT,
        code: 'TIMEOUT',
        suggestion: 'Sentinels read replica priorities from INFO every 10 s: give --timeout more than that.',
      });
    }
    await sleep(200);
  }
}
