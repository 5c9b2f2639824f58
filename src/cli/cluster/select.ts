// NODE arguments: a node name, or a role selector resolved live at that moment — `master`, `replica`
// (the first replica), `replica:N` (the Nth replica, 1-based, in topology order). When no running node
// has the role (e.g. `start master` after the master was killed), the recorded roles decide.

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
  const match = /^(master|replica)(?::(\d+))?$/i.exec(selector);
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
  let candidates = nodes.filter((node) => isAlive(node) && node.role === role).map((node) => node.record);
  let how = 'live';
  if (candidates.length === 0) {
    candidates = state.nodes.filter((node) => (role === 'master') === (node.replicaof === null));
    how = 'recorded';
  }
  if (role === 'master') {
    if (candidates.length !== 1) {
      throw new CliError(
        candidates.length === 0 ? `cluster "${state.name}" has no master` : `several masters (${candidates.map((n) => n.name).join(', ')}): "master" is ambiguous`,
        { exit: EXIT.USAGE, code: 'AMBIGUOUS_SELECTOR', suggestion: 'Name the node instead.' },
      );
    }
    return { record: candidates[0]!, via: `the ${how === 'live' ? '' : 'recorded '}master` };
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
  return { record, via: `replica ${index}${how === 'live' ? '' : ' (recorded)'}` };
}
