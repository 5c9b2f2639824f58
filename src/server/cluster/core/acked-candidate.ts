// Owns the election rule cluster-confirm-writes adds (ours; Redis has none): a replica stands for
// election only when no sibling that could stand itself claims a larger replication offset. Redis
// only delays such a replica by a second per better sibling (clusterGetSlaveRank), so a slower
// sibling can still win and drop writes the master acknowledged. Under cluster-confirm-writes a
// master answers OK only once every online replica ACKed the write (fencing/core/cluster-confirm.ts),
// so a replica without it was offline then and is behind one that has it: letting only the
// replicas at the highest offset stand means the winner holds every acknowledged write. Siblings
// in PFAIL or FAIL, or with NOFAILOVER, cannot stand and do not hold us back.
//
// The limit: when the sibling holding the writes fails too, the one left stands (a second fault).
// redis-server replicas in a mixed cluster follow Redis's rule, and a master of redis-server
// acknowledges writes no replica has.

import { Bit, has, type ClusterView } from './view.js';

/** The siblings that could stand and are ahead of `myOffset`: while there is one, we do not stand. */
export function behindElectableSibling(view: ClusterView, myOffset: number): boolean {
  const masterId = view.myself.masterId;
  if (masterId === null) return false;
  return view
    .replicasOf(masterId)
    .some((node) => node !== view.myself && !has(node, Bit.NoFailover | Bit.PFail | Bit.Fail) && node.replOffset > myOffset);
}
