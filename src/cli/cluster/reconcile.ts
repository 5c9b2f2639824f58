// Keeping the recorded upstreams true to the running cluster: after a failover that clusterctl did
// not run (a sentinel's, or REPLICAOF typed by hand), the live roles win. The records matter when a
// node is started again: its node.conf gets `replicaof` from them.

import type { RunState } from '../state/run-state.js';
import type { LiveNode } from './live.js';

/** Updates record.replicaof from live roles; returns the names whose record changed. */
export function reconcileRoles(state: RunState, live: LiveNode[]): string[] {
  const changed: string[] = [];
  const recordedUpstream = new Map(state.nodes.map((node) => [node.name, node.replicaof]));
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
  // A recorded master that is down while another node now serves as the master was failed over
  // when that node was its replica, or already has replicas of its own: when the old master comes
  // back it must come back as a replica of the new one. (The first test matters right after a
  // sentinel promotion, before the other replicas were repointed.)
  const liveMasters = live.filter((node) => node.process === 'running' && node.roleIsLive && node.role === 'master');
  for (const node of live) {
    if (node.process === 'running' || node.record.replicaof !== null) continue;
    const successors = liveMasters.filter(
      (m) => recordedUpstream.get(m.record.name) === node.record.name || live.some((o) => o.upstream === m.record.name),
    );
    if (successors.length === 1 && successors[0]!.record.name !== node.record.name) set(node.record.name, successors[0]!.record.name);
  }
  return changed;
}
