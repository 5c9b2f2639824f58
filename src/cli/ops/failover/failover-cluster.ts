// `failover --shard N` on a Redis Cluster: CLUSTER FAILOVER sent to a replica of shard N (the most
// caught-up linked one, or --to). Without an option the replica and its master coordinate a manual
// failover with no write lost (the master stops clients, the replica catches up, then takes over:
// cluster.c clusterHandleManualFailover); FORCE skips the master's part (it may be down), TAKEOVER
// also skips the election. Returns once every node agrees on the new master and every replica is in
// sync again, with the timeline of what the nodes reported meanwhile.

import { CliError, EXIT } from '../../errors.js';
import { call } from '../../probe/client.js';
import { acquireLock } from '../../state/lock.js';
import { writeState, type ClusterPaths, type NodeRecord, type RunState } from '../../state/run-state.js';
import { selectNode } from '../../cluster/select.js';
import { recordClusterEvents } from '../../sharded/events.js';
import { analyzeLive, readiness, waitClusterReady } from '../../sharded/ready.js';
import { sleep } from '../../util/sleep.js';
import type { FailoverResult } from './failover-result.js';

export type ClusterFailoverMode = 'default' | 'force' | 'takeover';

export interface ClusterFailoverOptions {
  shard: number | undefined;
  to: string | undefined;
  mode: ClusterFailoverMode;
  timeoutMs: number;
}

export async function clusterFailover(state: RunState, paths: ClusterPaths, options: ClusterFailoverOptions): Promise<FailoverResult> {
  const begin = Date.now();
  const deadline = begin + options.timeoutMs;
  const { analysis } = await analyzeLive(state);
  const shard = await resolveShard(state, options, analysis.shards.map((s) => s.shard));
  const view = analysis.shards.find((s) => s.shard === shard)!;
  const oldMaster = view.master ?? state.nodes.find((node) => node.shard === shard && node.replicaof === null)?.name ?? null;
  const target = await chooseTarget(state, options, shard, analysis.nodes);
  const release = acquireLock(paths.lockFile, state.name);
  const recorder = recordClusterEvents(state, begin);
  try {
    await sleep(30); // One observation before the command, so the recorder sees what changes.
    const args = ['CLUSTER', 'FAILOVER', ...(options.mode === 'default' ? [] : [options.mode.toUpperCase()])];
    try {
      await call(target.port, args);
    } catch (error) {
      const message = (error as Error).message;
      throw new CliError(`${args.join(' ')} on ${target.name} failed: ${message}`, {
        code: 'FAILOVER_REFUSED',
        suggestion: /master is down|failed/i.test(message) ? `Its master is down: \`clusterctl failover --shard ${shard} --force\` lets the replica ask for the other masters' votes alone.` : undefined,
        data: { node: target.name },
      });
    }
    // Promoted when every reachable node names it the owner of the shard's slots; then settled.
    for (;;) {
      const { analysis: now } = await analyzeLive(state);
      const promoted = now.nodes.find((node) => node.name === target.name)?.role === 'master' && now.shards.find((s) => s.shard === shard)?.master === target.name && now.agree;
      if (promoted) break;
      if (Date.now() >= deadline) {
        throw new CliError(`${target.name} did not become the master of shard ${shard} (${readiness(now, state.nodes.length)})`, {
          exit: EXIT.TIMEOUT,
          code: 'FAILOVER_TIMEOUT',
          details: now.notReady.slice(0, 10).map((line) => `  ${line}`),
          suggestion: options.mode === 'default' ? 'A manual failover needs its master answering; try --force.' : '`clusterctl status` shows what each node reports.',
        });
      }
      await sleep(25);
    }
    const settled = await waitClusterReady(state, deadline, () => {}).catch(() => null);
    const events = await recorder.stop();
    writeState(paths, state);
    const newMaster = target.name;
    const repointed = state.nodes.filter((node) => node.replicaof === newMaster).map((node) => node.name);
    return {
      cluster: state.name,
      oldMaster: oldMaster ?? '-',
      newMaster,
      repointed,
      offset: null,
      writesPausedMs: null,
      via: 'cluster',
      durationMs: Date.now() - begin,
      events: null,
      shard,
      mode: options.mode,
      settled: settled !== null,
      clusterEvents: events,
    };
  } finally {
    await recorder.stop();
    release();
  }
}

async function resolveShard(state: RunState, options: ClusterFailoverOptions, shards: number[]): Promise<number> {
  if (options.shard !== undefined) {
    if (!shards.includes(options.shard)) throw new CliError(`cluster "${state.name}" has no shard ${options.shard} (shards: ${shards.join(', ')})`, { exit: EXIT.USAGE, code: 'NO_SUCH_SHARD' });
    return options.shard;
  }
  if (options.to !== undefined) {
    const { record } = await selectNode(state, options.to);
    if (record.shard !== undefined) return record.shard;
  }
  if (shards.length === 1) return shards[0]!;
  throw new CliError('which shard? A Redis Cluster fails over one shard at a time', { exit: EXIT.USAGE, code: 'NO_SHARD', suggestion: `Use --shard N (shards: ${shards.join(', ')}) or --to NODE.` });
}

async function chooseTarget(state: RunState, options: ClusterFailoverOptions, shard: number, nodes: Awaited<ReturnType<typeof analyzeLive>>['analysis']['nodes']): Promise<NodeRecord> {
  const replicas = nodes.filter((node) => node.shard === shard && node.role === 'replica');
  if (options.to !== undefined) {
    const { record } = await selectNode(state, options.to);
    if (!replicas.some((node) => node.name === record.name)) {
      throw new CliError(`${record.name} is not a replica in shard ${shard}`, {
        exit: EXIT.USAGE,
        code: 'BAD_TARGET',
        suggestion: `Replicas of shard ${shard}: ${replicas.map((n) => n.name).join(', ') || 'none'}.`,
      });
    }
    return record;
  }
  // FORCE / TAKEOVER are for a master that is down: its replicas' links are down too.
  const usable = replicas.filter((node) => options.mode !== 'default' || node.link === 'up');
  if (usable.length === 0) {
    throw new CliError(`shard ${shard} has no ${options.mode === 'default' ? 'linked ' : ''}replica to promote`, {
      code: 'NO_TARGET',
      suggestion: options.mode === 'default' && replicas.length > 0 ? 'Its master may be down: add --force.' : undefined,
    });
  }
  // The most caught-up replica loses the least (Redis ranks replicas by offset the same way:
  // clusterGetSlaveRank); ties go to topology order.
  const best = [...usable].sort((a, b) => (b.offset ?? -1) - (a.offset ?? -1))[0]!;
  return state.nodes.find((node) => node.name === best.name)!;
}
