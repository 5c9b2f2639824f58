// The drills of a Redis Cluster (mode: cluster): each fault aimed at one shard (`--shard N`, shard N
// as `status` numbers it: the replication group that began as topology shard N, followed through
// failovers), timed as the sentinel drills time theirs (scenarios.ts): after up to 2 s of traffic,
// with time left after the last step for the clients to write again. Pure.

export type ClusterAction = 'kill' | 'start' | 'pause' | 'resume' | 'restart' | 'partition' | 'heal' | 'reshard';

export interface ClusterStep {
  action: ClusterAction;
  /**
   * A node selector resolved when the step runs (`shard2:master`, `shard2:replica`), `old-master` /
   * `old-replica` (the node an earlier step resolved), `all` (restart: every node, replicas first),
   * or for reshard the source shard's selector.
   */
  target: string;
  atMs: number;
  /** reshard: how many of the source's lowest slots move to the next shard's master. */
  slots?: number;
  /** As shown in the report: `kill:shard1:master@2s`. */
  text: string;
}

export interface ClusterScenario {
  name: string;
  summary: string;
  /** Needs FAULT PARTITION (engine builtin: redis-server has no fault hooks). */
  partition: boolean;
  steps(durationMs: number, shard: number, shards: number): ClusterStep[];
}

const faultAt = (d: number) => Math.min(2000, Math.max(500, d * 0.15));
const laterStart = (d: number) => Math.max(faultAt(d) + 3000, d * 0.4);
const hold = (d: number) => faultAt(d) + Math.min(8000, d * 0.5);

function step(action: ClusterAction, target: string, atMs: number, slots?: number): ClusterStep {
  const at = Math.round(atMs);
  return { action, target, atMs: at, ...(slots ? { slots } : {}), text: `${action}:${target}@${at}ms${slots ? ` (${slots} slots)` : ''}` };
}

export const CLUSTER_SCENARIOS: ClusterScenario[] = [
  {
    name: 'kill-master',
    summary: 'SIGKILL the shard\'s master; its replica wins the election after node-timeout; the old master is started again and rejoins as a replica',
    partition: false,
    steps: (d, n) => [step('kill', `shard${n}:master`, faultAt(d)), step('start', 'old-master', laterStart(d))],
  },
  {
    name: 'pause-master',
    summary: 'SIGSTOP the shard\'s master for 8 s (less in a short drill), then SIGCONT',
    partition: false,
    steps: (d, n) => [step('pause', `shard${n}:master`, faultAt(d)), step('resume', 'old-master', hold(d))],
  },
  {
    name: 'partition-master',
    summary: 'cut the shard\'s master off from every other node (the majority of masters, its replicas) on the bus and from the clients but one group, then heal',
    partition: true,
    steps: (d, n) => [step('partition', `shard${n}:master`, faultAt(d)), step('heal', 'old-master', hold(d))],
  },
  {
    name: 'kill-replica',
    summary: 'SIGKILL a replica of the shard; start it again later',
    partition: false,
    steps: (d, n) => [step('kill', `shard${n}:replica`, faultAt(d)), step('start', 'old-replica', laterStart(d))],
  },
  {
    name: 'restart-all',
    summary: 'restart every node gracefully, one after another, replicas first, each once the cluster is back in sync',
    partition: false,
    steps: (d) => [step('restart', 'all', faultAt(d))],
  },
  {
    name: 'reshard-under-load',
    summary: 'move 1000 slots from the shard\'s master to the next shard\'s, as `reshard` does (MIGRATE, ASK), while the clients write',
    partition: false,
    steps: (d, n) => [step('reshard', `shard${n}:master`, faultAt(d), 1000)],
  },
  {
    name: 'kill-during-migration',
    summary: 'start moving 4000 slots from the shard\'s master to the next shard\'s, SIGKILL the source master 1 s into the move, start it again later; the open slots are fixed as `reshard --fix` does',
    partition: false,
    steps: (d, n) => [step('reshard', `shard${n}:master`, faultAt(d), 4000), step('kill', `shard${n}:master`, faultAt(d) + 1000), step('start', 'old-master', laterStart(d) + 1000)],
  },
];

export function findClusterScenario(name: string): ClusterScenario | undefined {
  return CLUSTER_SCENARIOS.find((scenario) => scenario.name === name);
}

/** Steps that break or shake something (recovery is measured from them; a reshard moves slots under the clients). */
export function isDisruptiveClusterStep(action: ClusterAction): boolean {
  return action === 'kill' || action === 'pause' || action === 'partition' || action === 'restart' || action === 'reshard';
}
