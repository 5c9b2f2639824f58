// NODE arguments: a node name, or a role selector resolved live at that moment — `master`, `replica`
// (the first replica), `replica:N` (the Nth replica, 1-based, in topology order). When no running node
// has the role (e.g. `start master` after the master was killed), the recorded roles decide. In a Redis
// Cluster (mode: cluster) `shardN:` narrows any of them to shard N (`shard2:master`, `shard1:replica:2`):
// shard N is the replication group that began as topology shard N, followed through failovers.

import { closest } from '../../shared/closest.js';
import { CliError, EXIT } from '../errors.js';
import type { NodeRecord, RunState } from '../state/run-state.js';
import { isAlive, liveCluster, type LiveNode } from './live.js';

import { SELECTOR_HELP } from '../help-text.js';

export { SELECTOR_HELP };

export interface Selected {
  record: NodeRecord;
  /** How the selector was resolved, for messages: "master" -> "m1 (the master)". */
  via: string | null;
}

export async function selectNode(state: RunState, selector: string, live?: LiveNode[]): Promise<Selected> {
  const byName = state.nodes.find((node) => node.name === selector);
  if (byName) return { record: byName, via: null };
  const scoped = /^shard(\d+):(.*)$/i.exec(selector);
  const shard = scoped ? Number(scoped[1]) : null;
  if (scoped && !state.spec?.cluster) {
    throw new CliError(`"${selector}": shards exist only in a Redis Cluster (mode: cluster)`, { exit: EXIT.USAGE, code: 'NO_SUCH_NODE', suggestion: `NODE is ${SELECTOR_HELP}.` });
  }
  if (shard !== null && !state.nodes.some((node) => node.shard === shard)) {
    const shards = [...new Set(state.nodes.map((node) => node.shard))].sort((a, b) => a! - b!);
    throw new CliError(`"${selector}": cluster "${state.name}" has no shard ${shard} (shards: ${shards.join(', ')})`, { exit: EXIT.USAGE, code: 'NO_SUCH_NODE' });
  }
  const inScope = (record: NodeRecord) => shard === null || record.shard === shard;
  const scope = shard === null ? '' : `shard ${shard}: `;
  const match = /^(master|replica)(?::(\d+))?$/i.exec(scoped ? scoped[2]! : selector);
  if (!match) {
    const names = state.nodes.map((node) => node.name);
    const guess = closest(selector, [...names, 'master', 'replica']);
    throw new CliError(`no node named "${selector}" in cluster "${state.name}" (nodes: ${names.join(', ')})`, {
      exit: EXIT.USAGE,
      code: 'NO_SUCH_NODE',
      suggestion: guess ? `Did you mean "${guess}"?` : `NODE is ${SELECTOR_HELP}.`,
    });
  }
  const role = match[1]!.toLowerCase() === 'master' ? 'master' : 'replica';
  if (role === 'master' && match[2] !== undefined) {
    throw new CliError(`"${selector}": only replicas are numbered`, { exit: EXIT.USAGE, suggestion: 'Use master, or replica:N.' });
  }
  const nodes = live ?? (await liveCluster(state));
  let candidates = nodes.filter((node) => isAlive(node) && node.role === role && inScope(node.record)).map((node) => node.record);
  let how = 'live';
  if (candidates.length === 0) {
    candidates = state.nodes.filter((node) => (role === 'master') === (node.replicaof === null) && inScope(node));
    how = 'recorded';
  }
  if (role === 'master') {
    if (candidates.length !== 1) {
      const sharded = state.spec?.cluster && shard === null;
      throw new CliError(
        candidates.length === 0 ? `cluster "${state.name}" has no master${shard === null ? '' : ` in shard ${shard}`}` : `several masters (${candidates.map((n) => n.name).join(', ')}): "${selector}" is ambiguous`,
        { exit: EXIT.USAGE, code: 'AMBIGUOUS_SELECTOR', suggestion: sharded ? 'A Redis Cluster has a master per shard: use shardN:master (e.g. shard1:master), or name the node.' : 'Name the node instead.' },
      );
    }
    return { record: candidates[0]!, via: `${scope}the ${how === 'live' ? '' : 'recorded '}master` };
  }
  const index = match[2] === undefined ? 1 : Number(match[2]);
  const record = candidates[index - 1];
  if (!record || index < 1) {
    throw new CliError(`"${selector}": there are ${candidates.length} replicas (${candidates.map((n) => n.name).join(', ') || 'none'})`, {
      exit: EXIT.USAGE,
      code: 'NO_SUCH_NODE',
      suggestion: candidates.length ? `Use replica:1 to replica:${candidates.length}.` : 'Name the node instead.',
    });
  }
  return { record, via: `${scope}replica ${index}${how === 'live' ? '' : ' (recorded)'}` };
}
