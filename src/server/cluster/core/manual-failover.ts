// Owns the manual failover handshake (CLUSTER FAILOVER [FORCE|TAKEOVER], cluster.c 7.0) on both
// sides. The replica asks its master with MFSTART; the master pauses writes for 2 x 5 s, marks its
// headers PAUSED and pings the replica every cron tick; the replica, once its offset equals the
// offset the paused master announced, lets the election run with FORCEACK and no delay. FORCE skips
// the handshake; TAKEOVER takes a new epoch without any vote. All of it ends after 5 s.

import { log, type ClusterAction } from './actions.js';
import { bumpConfigEpochWithoutConsensus } from './epochs.js';
import { isFailedNode, isMasterNode, masterOfNode, MF_PAUSE_MULT, MF_TIMEOUT, type ClusterView, type NodeView } from './view.js';

export type ManualFailoverMode = 'default' | 'force' | 'takeover';

/** CLUSTER FAILOVER's refusals, worded as redis-server 7.0 replies them (without the `ERR `). */
export const MF_ERRORS = {
  notReplica: 'You should send CLUSTER FAILOVER to a replica',
  unknownMaster: "I'm a replica but my master is unknown to me",
  masterDown: 'Master is down or failed, please use CLUSTER FAILOVER FORCE',
} as const;

export class ManualFailover {
  /** Unix ms the attempt is abandoned at; 0 when none is in progress (mf_end). */
  end = 0;
  /** Replica side: the handshake is done, the election may run (mf_can_start). */
  canStart = false;
  /** Master side: the replica that asked (mf_slave); its presence means our clients are paused. */
  replicaId: string | null = null;
  /** Replica side: the offset our paused master announced, -1 until then (mf_master_offset). */
  masterOffset = -1;
  /** Set when the next beforeSleep should run the handshake and the election (CLUSTER_TODO_HANDLE_MANUALFAILOVER). */
  pendingCheck = false;

  get inProgress(): boolean {
    return this.end !== 0;
  }

  /** Whether the manual failover lets the election run (manual_failover in clusterHandleSlaveFailover). */
  get ready(): boolean {
    return this.end !== 0 && this.canStart;
  }

  /** Whether our headers carry PAUSED: a master in a manual failover (clusterBuildMessageHdr). */
  pausedFlag(view: ClusterView): boolean {
    return isMasterNode(view.myself) && this.end !== 0;
  }

  /** resetManualFailover: a master that paused its clients for the attempt resumes them. */
  reset(): ClusterAction[] {
    const actions: ClusterAction[] = this.replicaId !== null ? [{ kind: 'unpause-clients' }] : [];
    this.end = 0;
    this.canStart = false;
    this.replicaId = null;
    this.masterOffset = -1;
    return actions;
  }

  /** CLUSTER FAILOVER's preconditions: the error text, or null when it may start. */
  refusal(view: ClusterView, mode: ManualFailoverMode): string | null {
    if (isMasterNode(view.myself)) return MF_ERRORS.notReplica;
    const master = masterOfNode(view, view.myself);
    if (!master) return MF_ERRORS.unknownMaster;
    if (mode === 'default' && (isFailedNode(master) || !master.linkConnected)) return MF_ERRORS.masterDown;
    return null;
  }

  /** Starts CLUSTER FAILOVER after `refusal` said null; the command then replies +OK. */
  start(view: ClusterView, mode: ManualFailoverMode, now: number): ClusterAction[] {
    const master = masterOfNode(view, view.myself)!;
    const actions = this.reset();
    this.end = now + MF_TIMEOUT;
    if (mode === 'takeover') {
      // No handshake and no vote: a new epoch taken unilaterally, then the slots.
      actions.push(log('warning', 'Taking over the master (user request).'));
      actions.push(...bumpConfigEpochWithoutConsensus(view));
      actions.push(...this.reset());
      actions.push({ kind: 'promote-self', epoch: view.myself.configEpoch, oldMasterId: master.id });
    } else if (mode === 'force') {
      actions.push(log('warning', 'Forced failover user request accepted.'));
      this.canStart = true;
    } else {
      actions.push(log('warning', 'Manual failover user request accepted.'));
      actions.push({ kind: 'send-mfstart', to: master.id });
    }
    return actions;
  }

  /** Master side: MFSTART from `sender`, accepted only from one of our replicas. */
  onMfStart(view: ClusterView, sender: NodeView | undefined, now: number): ClusterAction[] {
    if (!sender || sender.masterId !== view.myself.id) return [];
    const actions = this.reset();
    this.end = now + MF_TIMEOUT;
    this.replicaId = sender.id;
    actions.push(
      { kind: 'pause-clients', until: now + MF_TIMEOUT * MF_PAUSE_MULT },
      log('warning', `Manual failover requested by replica ${sender.id}.`),
      // A PING at once carries our (now final) offset with PAUSED, so the replica need not wait a tick.
      { kind: 'ping', to: sender.id },
    );
    return actions;
  }

  /**
   * Replica side: a header from `sender` (its replOffset already updated from it). The first one
   * from our master flagged PAUSED gives the offset we must reach.
   */
  onHeader(view: ClusterView, sender: NodeView, paused: boolean): ClusterAction[] {
    if (this.end === 0 || isMasterNode(view.myself) || view.myself.masterId !== sender.id) return [];
    if (!paused || this.masterOffset !== -1) return [];
    this.masterOffset = sender.replOffset;
    this.pendingCheck = true;
    return [log('warning', `Received replication offset for paused master manual failover: ${this.masterOffset}`)];
  }

  /** manualFailoverCheckTimeout: the attempt is abandoned once past its end. */
  checkTimeout(now: number): ClusterAction[] {
    if (this.end === 0 || this.end >= now) return [];
    return [log('warning', 'Manual failover timed out.'), ...this.reset()];
  }

  /**
   * clusterHandleManualFailover (replica side): once our offset reaches the paused master's, the
   * election may start. Returns true when it just became ready (run the election at once).
   */
  handle(myOffset: number): { ready: boolean; actions: ClusterAction[] } {
    if (this.end === 0 || this.canStart || this.masterOffset === -1) return { ready: false, actions: [] };
    if (this.masterOffset === myOffset) {
      this.canStart = true;
      return { ready: true, actions: [log('warning', 'All master replication stream processed, manual failover can start.')] };
    }
    // Not there yet: look again before the next sleep rather than a cron tick later.
    this.pendingCheck = true;
    return { ready: false, actions: [] };
  }
}
