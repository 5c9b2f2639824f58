// `failover` when the cluster has sentinels: ask them (SENTINEL FAILOVER <name>), as an operator
// would, record their events, and wait until every sentinel names the new master and sees all
// replicas under it. --to works through replica-priority, the only lever Redis Sentinel offers
// (sentinel-priority.ts).

import { CliError, EXIT } from '../../errors.js';
import { call } from '../../probe/client.js';
import type { ClusterPaths, RunState } from '../../state/run-state.js';
import { writeState } from '../../state/run-state.js';
import { writeNodeConfig } from '../../supervisor/node-config.js';
import { sleep } from '../../util/sleep.js';
import type { FailoverResult } from './failover-result.js';
import { liveCluster } from '../../cluster/live.js';
import { reconcileRoles } from '../../cluster/reconcile.js';
import { recordSentinelEvents, type SentinelEvent } from '../../cluster/sentinel-events.js';
import { preferReplica } from './sentinel-priority.js';
import { currentMaster, viewSentinels, waitSentinelsAgree, type SentinelView } from '../../cluster/sentinels.js';

export async function sentinelFailover(state: RunState, paths: ClusterPaths, to: string | undefined, timeoutMs: number): Promise<FailoverResult> {
  const begin = Date.now();
  const deadline = begin + timeoutMs;
  const views = await viewSentinels(state);
  const asked = views.find((view) => view.reachable);
  if (!asked) throw new CliError('no sentinel is answering', { exit: EXIT.NOT_RUNNING, code: 'NOT_RUNNING', suggestion: '`clusterctl up` starts them again.' });
  const oldMaster = asked.masterNode ?? currentMaster(state).name;
  const restore = to === undefined ? null : await preferReplica(state, asked, oldMaster, to, deadline);
  const recorder = await recordSentinelEvents(state.sentinels, begin);
  let newMaster: string;
  let events: SentinelEvent[];
  try {
    newMaster = await askAndWait(state, asked, oldMaster, deadline, timeoutMs);
  } finally {
    events = recorder.stop();
    await restore?.();
  }
  for (const record of state.nodes) {
    const spec = state.spec.nodes.find((node) => node.name === record.name)!;
    const upstreamPort = record.replicaof ? state.nodes.find((node) => node.name === record.replicaof)!.port : null;
    writeNodeConfig(record, { clusterName: state.name, directives: spec.directives, upstreamPort });
  }
  writeState(paths, state);
  const repointed = state.nodes.filter((node) => node.replicaof === newMaster).map((node) => node.name);
  return { cluster: state.name, oldMaster, newMaster, repointed, offset: null, writesPausedMs: null, via: 'sentinels', durationMs: Date.now() - begin, events };
}

/** SENTINEL FAILOVER, then wait for every sentinel, the live roles and the records to agree; returns the new master. */
async function askAndWait(state: RunState, asked: SentinelView, oldMaster: string, deadline: number, timeoutMs: number): Promise<string> {
  const name = state.spec.sentinels!.monitorName;
  try {
    await call(asked.port, ['SENTINEL', 'FAILOVER', name]);
  } catch (error) {
    throw new CliError(`SENTINEL FAILOVER ${name} on ${asked.name} failed: ${(error as Error).message}`, { data: { node: asked.name } });
  }
  // Every sentinel names one new master.
  let newMaster: string | undefined;
  while (!newMaster) {
    const now = await viewSentinels(state);
    const named = new Set(now.filter((view) => view.reachable).map((view) => view.masterNode));
    if (named.size === 1 && !named.has(oldMaster) && !named.has(null)) newMaster = [...named][0]!;
    else if (Date.now() >= deadline) throw new CliError(`the sentinels did not complete the failover in ${timeoutMs} ms`, { exit: EXIT.TIMEOUT, code: 'TIMEOUT' });
    else await sleep(50);
  }
  // The sentinels repoint the replicas one by one (parallel-syncs), but demote the old master only when
  // they next read its INFO (every 10 s for a replica). clusterctl sends it the same REPLICAOF the
  // sentinels would (+convert-to-slave) at once, then waits until the live roles show all of it.
  const newPort = state.nodes.find((node) => node.name === newMaster)!.port;
  const old = state.nodes.find((node) => node.name === oldMaster);
  if (old) await call(old.port, ['REPLICAOF', '127.0.0.1', String(newPort)]).catch(() => {});
  const moved = state.nodes.filter((node) => node.replicaof === oldMaster || node.name === oldMaster).map((node) => node.name);
  for (;;) {
    const live = await liveCluster(state);
    const pending = live.filter((node) => moved.includes(node.record.name) && node.record.name !== newMaster && node.process === 'running' && node.upstream !== newMaster);
    if (pending.length === 0) break;
    if (Date.now() >= deadline) {
      throw new CliError(`the sentinels made ${newMaster} the master, but ${pending.map((n) => n.record.name).join(', ')} do not replicate from it yet`, { exit: EXIT.TIMEOUT, code: 'TIMEOUT' });
    }
    await sleep(100);
  }
  for (;;) {
    reconcileRoles(state, await liveCluster(state));
    try {
      await waitSentinelsAgree(state, Math.min(deadline, Date.now() + 200));
      return newMaster;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
  }
}
