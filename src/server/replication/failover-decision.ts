// The decisions of a coordinated failover (Redis 6.2+ FAILOVER, replication.c failoverCommand and
// updateFailoverStatus), pure: the request, the attached replicas, our offset and the time in;
// a refusal or the next step out. failover.ts carries them out.

/** INFO replication's master_failover_state values (getFailoverStateString). */
export type FailoverState = 'no-failover' | 'waiting-for-sync' | 'failover-in-progress';

export interface ReplicaView {
  /** As INFO's slaveN ip= shows it: the announced address or the peer address. */
  host: string;
  /** REPLCONF listening-port. */
  port: number;
  ackOffset: number;
  online: boolean;
}

export interface FailoverRequest {
  target: { host: string; port: number } | null;
  /** 0: wait for as long as it takes. */
  timeoutMs: number;
  force: boolean;
}

export interface FailoverPlan {
  target: { host: string; port: number } | null;
  /** Absolute ms; 0: none. */
  endTime: number;
  force: boolean;
}

/** The target named in FAILOVER TO / found caught up (Redis findReplica: host compared without case). */
export function findReplica(replicas: readonly ReplicaView[], host: string, port: number): ReplicaView | undefined {
  const wanted = host.toLowerCase();
  return replicas.find((replica) => replica.host.toLowerCase() === wanted && replica.port === port);
}

/**
 * The checks failoverCommand makes after parsing, in its order; null when the failover may start.
 * Error texts are redis-server 7.0.15's.
 */
export function refuseFailover(
  request: FailoverRequest,
  state: FailoverState,
  isReplica: boolean,
  replicas: readonly ReplicaView[],
): string | null {
  if (state !== 'no-failover') return 'ERR FAILOVER already in progress.';
  if (isReplica) return 'ERR FAILOVER is not valid when server is a replica.';
  if (replicas.length === 0) return 'ERR FAILOVER requires connected replicas.';
  if (request.force && (request.timeoutMs === 0 || request.target === null)) {
    return 'ERR FAILOVER with force option requires both a timeout and target HOST and IP.';
  }
  if (request.target) {
    const replica = findReplica(replicas, request.target.host, request.target.port);
    if (!replica) return 'ERR FAILOVER target HOST and PORT is not a replica.';
    if (!replica.online) return 'ERR FAILOVER target replica is not online.';
  }
  return null;
}

export type FailoverStep =
  | { kind: 'wait' }
  | { kind: 'abort'; reason: string }
  /** Become a replica of `target`; `caughtUp` false when FORCE went ahead without it. */
  | { kind: 'failover'; target: { host: string; port: number }; caughtUp: boolean };

/**
 * One look while waiting for sync (updateFailoverStatus): past the deadline, FORCE fails over to the
 * named target anyway and otherwise the failover is aborted; before it, the target (or, with no TO,
 * the first replica) whose ACKed offset equals ours is failed over to.
 */
export function nextFailoverStep(plan: FailoverPlan, replicas: readonly ReplicaView[], masterOffset: number, now: number): FailoverStep {
  if (plan.endTime !== 0 && plan.endTime <= now) {
    if (plan.force && plan.target) return { kind: 'failover', target: plan.target, caughtUp: false };
    return { kind: 'abort', reason: 'Replica never caught up before timeout' };
  }
  if (plan.target) {
    const replica = findReplica(replicas, plan.target.host, plan.target.port);
    return replica && replica.ackOffset === masterOffset ? { kind: 'failover', target: plan.target, caughtUp: true } : { kind: 'wait' };
  }
  const replica = replicas.find((candidate) => candidate.ackOffset === masterOffset);
  return replica ? { kind: 'failover', target: { host: replica.host, port: replica.port }, caughtUp: true } : { kind: 'wait' };
}
