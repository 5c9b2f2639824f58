// The fence core's vocabulary: what it is told about the node (observations), what it asks the
// wiring to do (actions), and the timing constants of its rules.

/**
 * lease: no majority of the members heard within the lease; stall: the process was stopped;
 * config: a member announced a newer configuration naming another master; restart: the node
 * restarted and its remembered members have not confirmed it; failover: a forced failover's
 * leader asked it to step aside while it promotes a replica.
 */
export type FenceReason = 'lease' | 'stall' | 'config' | 'restart' | 'failover';

/** The node as the wiring reads it before each decision (its role and configuration). */
export interface NodeView {
  /** A replica has nothing to fence: it applies its master's stream and refuses client writes anyway. */
  isReplica: boolean;
  /** fence-lease-ms; 0 turns fencing off. */
  configuredLeaseMs: number;
  /** min-replicas-to-write: with fence-heuristic and no member, fresh replica ACKs confirm a master after a stall. */
  minReplicasToWrite: number;
  /** fence-heuristic: sentinels that hold no lease (redis-sentinel) count as members, and the stall rule applies without members. */
  heuristic: boolean;
}

/** What a tick observed besides the node. */
export interface TickObservation {
  /** Traffic from sentinels since boot: sentinel id -> last time data arrived on its link. */
  traffic: Iterable<readonly [string, number]>;
  /** When each online replica last ACKed (REPLCONF ACK): the min-replicas-to-write confirmation. */
  replicaAckTimes: readonly number[];
  /** Whether a heartbeat link (client id) is still open. */
  linkOpen: (link: number) => boolean;
}

export type FenceAction =
  | { type: 'log'; level: 'notice' | 'warning'; message: string }
  /** The node just fenced: drop its normal clients (soon, and only if still fenced then). */
  | { type: 'disconnect-clients' }
  /** The group to remember across restarts is now these members. */
  | { type: 'remember'; ids: string[] }
  /** The remembered group changed in a way a count cannot tell: rewrite it at the next `remember`. */
  | { type: 'forget-remembered' }
  /** A heartbeat was confirmed, the master fenced, or it stopped fencing (held write replies may go out). */
  | { type: 'changed' };

/** Why a node is fenced and what lifts it, in words (INFO fencing, the -FENCED error, clusterctl status). */
export interface FenceExplanation {
  reason: FenceReason;
  why: string;
  liftedBy: string;
  /** The members it waits for (short ids). */
  waitingFor: string[];
}

/**
 * Confirmations count only from this many cron ticks after a fence, so that messages queued in the
 * sockets during a stall (read first when the process resumes) never count.
 */
export const CONFIRM_AFTER_TICKS = 2;

/** A timer later than this is a stall, whatever the lease: below it, ordinary event-loop jitter. */
export const MIN_STALL_MS = 250;

/** A tick late by more than this means the process was stopped (SIGSTOP, long GC). */
export function stallThreshold(lease: number): number {
  return Math.max(MIN_STALL_MS, lease / 2);
}
