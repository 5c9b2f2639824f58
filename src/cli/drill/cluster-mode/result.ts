// What a cluster drill reports (--json): the sentinel drill's fields where they mean the same
// (verdict, writes, acknowledgedLost, unknown, unavailability, perFault, buckets, ...), plus one lane
// per shard, the slot moves and the nodes' own cluster events.

import type { CheckResult, ReplicaCheck } from '../checker.js';
import type { DrillResult } from '../run.js';
import type { Bucket, Gap } from '../series.js';
import type { ClusterEvent } from '../../sharded/events.js';
import type { ClusterFaultEvent, ReshardRun, SlotMove } from './faults.js';

export interface ShardLane {
  shard: number;
  master: { before: string | null; after: string | null };
  slots: { before: number; after: number | null };
  /** Writes to the slots the shard owns after convergence (null: not checked). */
  writes: CheckResult['writes'] | null;
  acknowledgedLost: number | null;
  replicas: ReplicaCheck[];
  /** Writes to the slots the shard owned when the drill began, per 100 ms. */
  buckets: Bucket[];
  unavailability: Gap;
}

export interface ClusterFaultMetrics {
  step: string;
  nodes: string[];
  atMs: number;
  shard: number | null;
  /** The node that became the shard's master after the fault (+master in the nodes' own view). */
  newMaster: string | null;
  newMasterAfterMs: number | null;
  firstProblemAfterMs: number | null;
  /** Fault -> first surviving acknowledged write to the shard's slots. */
  firstWriteAfterMs: number | null;
  lostBefore: { count: number; oldestMs: number } | null;
}

export type ClusterTimelineKind = 'fault' | 'heal' | 'cluster' | 'failover' | 'slot-moves' | 'clients-failing' | 'clients-recovered' | 'converged';

export interface ClusterTimelineEvent {
  atMs: number;
  kind: ClusterTimelineKind;
  /** The shard it concerns (null: the whole cluster). */
  shard: number | null;
  text: string;
}

type Shared = Pick<
  DrillResult,
  | 'cluster' | 'engine' | 'runId' | 'faults' | 'seed' | 'clients' | 'rate' | 'waitReplicas' | 'durationMs' | 'verdict' | 'converged' | 'convergeMs'
  | 'convergeProblems' | 'writes' | 'acknowledgedLost' | 'recoveredByLedger' | 'unknown' | 'failedButPresent' | 'replicas' | 'errors'
  | 'unavailability' | 'buckets' | 'startedCluster' | 'warnings'
>;

export interface ClusterDrillResult extends Shared {
  mode: 'cluster';
  scenario: string;
  /** The shard the scenario aimed at. */
  shard: number;
  masters: { shard: number; before: string | null; after: string | null }[];
  perFault: ClusterFaultMetrics[];
  shards: ShardLane[];
  slotMoves: { count: number; keys: number; runs: ReshardRun[]; moves: SlotMove[] };
  faultEvents: ClusterFaultEvent[];
  clusterEvents: ClusterEvent[];
  timeline: ClusterTimelineEvent[];
}
