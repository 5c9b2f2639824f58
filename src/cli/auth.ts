// Nodes started with `requirepass`: clusterctl's own connections (probes, wiring, failover, exec)
// authenticate with it, replicas get the same password as `masterauth` unless the topology sets one,
// and sentinels get it as `sentinel auth-pass` — one password for the whole cluster, as Redis's docs
// recommend for setups that fail over.

import { registerPassword } from './probe/passwords.js';
import type { RunState } from './state/run-state.js';
import type { DirectiveLine } from './topology/types.js';

export function directiveValue(lines: DirectiveLine[], name: string): string | undefined {
  const found = lines.filter((line) => line.name === name);
  const value = found[found.length - 1]?.value;
  return value === '' ? undefined : value;
}

/** Tells the connection layer every node's password. */
export function registerAuth(state: RunState): void {
  for (const node of state.spec.nodes) {
    const record = state.nodes.find((r) => r.name === node.name);
    if (record) registerPassword(record.port, directiveValue(node.directives, 'requirepass'));
  }
}

/** Directives added to a node's config: masterauth = its requirepass when the topology has none. */
export function authDirectives(directives: DirectiveLine[]): DirectiveLine[] {
  const password = directiveValue(directives, 'requirepass');
  if (!password || directives.some((line) => line.name === 'masterauth')) return [];
  return [{ name: 'masterauth', value: password }];
}
