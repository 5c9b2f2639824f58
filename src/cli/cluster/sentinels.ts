// Sentinels in `up`, `status` and `down`: which master they should monitor now, what each one sees
// (SENTINEL MASTER: the master's address, how many replicas and other sentinels it knows, flags,
// epoch), and waiting until they all agree — the sentinel-side half of "the cluster is ready".

import { CliError, EXIT } from '../errors.js';
import { call } from '../probe/client.js';
import { probeNode } from '../probe/probe.js';
import type { NodeRecord, RunState, SentinelRecord } from '../state/run-state.js';
import { sleep } from '../util/sleep.js';
import { processState, type ProcessState } from './live.js';

export interface SentinelView {
  name: string;
  port: number;
  pid: number | null;
  process: ProcessState;
  reachable: boolean;
  /** The master this sentinel believes in, as host:port, and as a node name when it is one of ours. */
  master: string | null;
  masterNode: string | null;
  replicas: number | null;
  otherSentinels: number | null;
  /** SENTINEL MASTER flags: "master", or e.g. "s_down,master" / "o_down,master". */
  flags: string | null;
  configEpoch: number | null;
  error: string | null;
}

/** The node at the root of the monitored master's tree now (it moves with failovers). */
export function currentMaster(state: RunState): NodeRecord {
  let record = state.nodes.find((node) => node.name === state.spec.sentinels!.master)!;
  for (let hops = 0; record.replicaof && hops < state.nodes.length; hops++) record = state.nodes.find((node) => node.name === record.replicaof)!;
  return record;
}

export async function viewSentinel(state: RunState, record: SentinelRecord): Promise<SentinelView> {
  const process = processState(record);
  const base = { name: record.name, port: record.port, pid: process === 'stopped' ? null : record.pid, process };
  const empty = { master: null, masterNode: null, replicas: null, otherSentinels: null, flags: null, configEpoch: null };
  if (process !== 'running') return { ...base, reachable: false, ...empty, error: null };
  try {
    const flat = (await call(record.port, ['SENTINEL', 'MASTER', state.spec.sentinels!.monitorName], { timeoutMs: 500 })) as string[];
    const fields = new Map<string, string>();
    for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i]!, flat[i + 1]!);
    const port = Number(fields.get('port'));
    return {
      ...base,
      reachable: true,
      master: `${fields.get('ip')}:${port}`,
      masterNode: state.nodes.find((node) => node.port === port)?.name ?? null,
      replicas: Number(fields.get('num-slaves')),
      otherSentinels: Number(fields.get('num-other-sentinels')),
      flags: fields.get('flags') ?? null,
      configEpoch: Number(fields.get('config-epoch')),
      error: null,
    };
  } catch (error) {
    return { ...base, reachable: false, ...empty, error: (error as Error).message };
  }
}

export function viewSentinels(state: RunState): Promise<SentinelView[]> {
  return Promise.all(state.sentinels.map((record) => viewSentinel(state, record)));
}

/** What keeps `view` from agreeing with the cluster (null when it agrees). */
export function disagreement(state: RunState, view: SentinelView, master: NodeRecord = currentMaster(state)): string | null {
  // A master left behind by a failover (not yet converted back) is already listed as a replica.
  const replicas = state.nodes.filter((node) => node.replicaof === master.name || (node.replicaof === null && node.name !== master.name)).length;
  const others = state.sentinels.length - 1;
  if (!view.reachable) return `not answering (${view.error ?? view.process})`;
  if (view.masterNode !== master.name) return `monitors ${view.master}, not ${master.name}`;
  if (view.flags !== 'master') return `flags ${view.flags}`;
  if (view.replicas !== replicas) return `sees ${view.replicas} of ${replicas} replicas`;
  if (view.otherSentinels !== others) return `sees ${view.otherSentinels} of ${others} other sentinels`;
  return null;
}

/**
 * Waits until every sentinel sees the current master, all its replicas and every other sentinel.
 * Sentinels find each other through hello messages every 2 s, so this takes about that long.
 */
export async function waitSentinelsAgree(state: RunState, deadline: number): Promise<SentinelView[]> {
  for (;;) {
    const views = await viewSentinels(state);
    const problems: (readonly [string, string])[] = views.flatMap((view) => {
      const problem = disagreement(state, view);
      return problem === null ? [] : [[view.name, problem] as const];
    });
    // A master that restarted refuses writes until its sentinels confirm it (fence_reason:restart):
    // agreement is only done once it takes writes again.
    if (problems.length === 0) {
      const master = currentMaster(state);
      const fenced = (await probeNode(master.port)).fenced;
      if (fenced === null) return views;
      problems.push([master.name, `fenced (${fenced}): waiting for its sentinels to confirm it`]);
    }
    if (Date.now() >= deadline) {
      throw new CliError('the sentinels do not agree on the cluster yet', {
        exit: EXIT.TIMEOUT,
        code: 'SENTINELS_DISAGREE',
        details: problems.map(([name, problem]) => `  ${name}: ${problem}`),
        suggestion: '`clusterctl status` shows what each sentinel sees.',
        data: { node: problems[0]![0] },
      });
    }
    await sleep(100);
  }
}
