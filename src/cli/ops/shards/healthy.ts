// `add-shard` and `remove-shard` change a cluster's membership, which only a healthy cluster takes
// safely (redis-cli --cluster add-node / del-node check the cluster first, clusterManagerCheckCluster):
// every node answering at cluster_state:ok, one slot map everywhere, no flagged node, no open slot.

import { CliError } from '../../errors.js';
import type { RunState } from '../../state/run-state.js';
import type { ClusterAnalysis } from '../../sharded/analyze.js';
import type { ClusterProbe } from '../../sharded/cluster-probe.js';
import { analyzeLive, blocking } from '../../sharded/ready.js';
import { refuseOpenSlots } from '../reshard/reshard.js';

export async function refuseUnhealthy(state: RunState, what: string): Promise<{ analysis: ClusterAnalysis; probes: ClusterProbe[] }> {
  const live = await analyzeLive(state);
  refuseOpenSlots(live.analysis);
  // Replicas a few bytes behind while clients write are normal, not a reason to refuse.
  const problems = blocking(live.analysis, true);
  if (problems.length > 0) {
    throw new CliError(`cluster "${state.name}" is not healthy: will not ${what}`, {
      code: 'CLUSTER_NOT_HEALTHY',
      details: problems.slice(0, 8).map((line) => `  ${line}`),
      suggestion: '`clusterctl status` shows what is wrong; `clusterctl wait --for healthy` waits for it.',
      data: { problems },
    });
  }
  return live;
}
