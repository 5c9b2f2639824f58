// Keeping the recorded upstreams true to the running cluster: after a failover that clusterctl did
// not run (a sentinel's, or REPLICAOF typed by hand), the live roles win. The records matter when a
// node is started again: its node.conf gets `replicaof` from them.

import type { RunState } from '../state/run-state.js';
import type { LiveNode } from './live.js';

/** Updates record.replicaof from live roles; returns the names whose record changed. */
export function reconcileRoles(state: RunState, live: LiveNode[]): string[] {
  const changed: string[] = [];
  const set = (name: string, upstream: string | null) => {
    const record = state.nodes.find((node) => node.name === name)!;
    if (record.replicaof !== upstream) {
      record.replicaof = upstream;
      changed.push(name);
    }
  };
  const known = (name: string | null) => name === null || state.nodes.some((node) => node.name === name);
  for (const node of live) {
    if (node.process === 'running' && node.roleIsLive && known(node.upstream)) set(node.record.name, node.upstream);
  }
  // A recorded master that is down while another node now serves as the master with replicas was
  // failed over: when it comes back it must come back as a replica of the new master.
  const masters = live.filter((node) => node.process === 'running' && node.roleIsLive && node.role === 'master' && live.some((o) => o.upstream === node.record.name));
  if (masters.length === 1) {
    const current = masters[0]!.record.name;
    for (const node of live) {
      if (node.process !== 'running' && node.record.replicaof === null && node.record.name !== current) set(node.record.name, current);
    }
  }
  return changed;
}
