// `failover` without sentinels: a coordinated manual failover, the same steps Redis's FAILOVER
// command takes, plus repointing the other replicas: pause writes on the master (CLIENT PAUSE WRITE),
// wait until the target's offset equals the master's, promote it (REPLICAOF NO ONE), repoint the
// master's other replicas, demote the old master under the new one, then lift the pause. No
// acknowledged write is lost: nothing is written between the offset match and the promotion.

import { CliError, EXIT } from '../../errors.js';
import { call } from '../../probe/client.js';
import { probeNode } from '../../probe/probe.js';
import { acquireLock } from '../../state/lock.js';
import type { ClusterPaths, NodeRecord, RunState } from '../../state/run-state.js';
import { writeNodeConfig } from '../../supervisor/node-config.js';
import { writeState } from '../../state/run-state.js';
import { sleep } from '../../util/sleep.js';
import { liveCluster, type LiveNode } from '../../cluster/live.js';
import { selectNode } from '../../cluster/select.js';
import { waitSynced } from '../../cluster/replication.js';
import { sentinelFailover } from './failover-sentinel.js';
import type { FailoverResult } from './failover-result.js';

export async function failover(state: RunState, paths: ClusterPaths, to: string | undefined, timeoutMs: number): Promise<FailoverResult> {
  if (state.sentinels.length > 0) {
    const release = acquireLock(paths.lockFile, state.name);
    try {
      return await sentinelFailover(state, paths, to, timeoutMs);
    } finally {
      release();
    }
  }
  const begin = Date.now();
  const deadline = begin + timeoutMs;
  const live = await liveCluster(state);
  const master = findMaster(state, live);
  const target = await chooseTarget(state, live, master, to);
  const release = acquireLock(paths.lockFile, state.name);
  try {
    const others = live.filter((node) => node.upstream === master.name && node.record !== target && node.process === 'running').map((n) => n.record);
    const pausedAt = Date.now();
    await pauseWrites(master, timeoutMs);
    let offset: number;
    try {
      offset = await catchUp(master, target, deadline);
      await command(target, ['REPLICAOF', 'NO', 'ONE']);
    } catch (error) {
      await call(master.port, ['CLIENT', 'UNPAUSE']).catch(() => {});
      throw error;
    }
    for (const record of [...others, master]) await command(record, ['REPLICAOF', '127.0.0.1', String(target.port)]);
    await call(master.port, ['CLIENT', 'UNPAUSE']).catch(() => {});
    const writesPausedMs = Date.now() - pausedAt;
    target.replicaof = null;
    for (const record of [...others, master]) record.replicaof = target.name;
    for (const record of state.nodes) rewriteConfig(state, record);
    writeState(paths, state);
    for (const record of [...others, master]) await waitSynced(state, record, deadline);
    const repointed = [...others, master].map((record) => record.name);
    return { cluster: state.name, oldMaster: master.name, newMaster: target.name, repointed, offset, writesPausedMs, via: 'clusterctl', durationMs: Date.now() - begin, events: null };
  } finally {
    release();
  }
}

function findMaster(state: RunState, live: LiveNode[]): NodeRecord {
  const masters = live.filter((node) => node.process === 'running' && node.role === 'master' && node.roleIsLive);
  const withReplicas = masters.filter((node) => live.some((other) => other.upstream === node.record.name));
  if (withReplicas.length === 1) return withReplicas[0]!.record;
  if (live.some((node) => node.process === 'running' && !node.roleIsLive)) {
    throw new CliError('the nodes do not report INFO replication, so a failover cannot be coordinated', { code: 'NO_INFO' });
  }
  throw new CliError(
    withReplicas.length === 0 ? `no running master with replicas in cluster "${state.name}"` : `several masters with replicas (${withReplicas.map((n) => n.record.name).join(', ')})`,
    { exit: EXIT.NOT_RUNNING, code: 'NO_MASTER', suggestion: '`clusterctl status` shows the roles; start the master first (`clusterctl start master`).' },
  );
}

async function chooseTarget(state: RunState, live: LiveNode[], master: NodeRecord, to: string | undefined): Promise<NodeRecord> {
  const direct = live.filter((node) => node.upstream === master.name && node.process === 'running' && node.probe?.link === 'up');
  if (to !== undefined) {
    const { record } = await selectNode(state, to, live);
    if (!direct.some((node) => node.record === record)) {
      throw new CliError(`${record.name} is not a linked replica of the master ${master.name}`, {
        exit: EXIT.USAGE,
        code: 'BAD_TARGET',
        suggestion: `Candidates: ${direct.map((n) => n.record.name).join(', ') || 'none'}.`,
      });
    }
    return record;
  }
  if (direct.length === 0) throw new CliError(`the master ${master.name} has no linked replica to promote`, { code: 'NO_TARGET' });
  // The most caught-up replica loses the least; ties go to topology order.
  const best = [...direct].sort((a, b) => (b.probe?.offset ?? 0) - (a.probe?.offset ?? 0))[0]!;
  return best.record;
}

async function pauseWrites(master: NodeRecord, timeoutMs: number): Promise<void> {
  try {
    await call(master.port, ['CLIENT', 'PAUSE', String(timeoutMs), 'WRITE']);
  } catch (error) {
    throw new CliError(`cannot pause writes on ${master.name}: ${(error as Error).message}`, { code: 'NO_PAUSE', data: { node: master.name } });
  }
}

/** Waits until the target has processed everything the (write-paused) master has sent. */
async function catchUp(master: NodeRecord, target: NodeRecord, deadline: number): Promise<number> {
  for (;;) {
    const [m, t] = [await probeNode(master.port), await probeNode(target.port)];
    if (m.streamOffset !== null && t.offset !== null && t.offset >= m.streamOffset) return m.streamOffset;
    if (Date.now() >= deadline) {
      throw new CliError(`${target.name} did not catch up with ${master.name} (offset ${t.offset} of ${m.streamOffset}); writes resumed, nothing changed`, {
        exit: EXIT.TIMEOUT,
        code: 'NOT_SYNCED',
      });
    }
    await sleep(10);
  }
}

async function command(record: NodeRecord, args: string[]): Promise<void> {
  try {
    await call(record.port, args);
  } catch (error) {
    throw new CliError(`${args.join(' ')} on ${record.name} failed: ${(error as Error).message}`, { data: { node: record.name } });
  }
}

function rewriteConfig(state: RunState, record: NodeRecord): void {
  const spec = state.spec.nodes.find((node) => node.name === record.name)!;
  const upstreamPort = record.replicaof ? state.nodes.find((node) => node.name === record.replicaof)!.port : null;
  writeNodeConfig(record, { clusterName: state.name, directives: spec.directives, upstreamPort });
}
