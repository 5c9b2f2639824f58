// Owns the I/O side of Redis Cluster failover: it feeds the pure cores (../core) from the cluster
// bus (every processed message, every cron tick) and carries out the actions they return: FAIL
// broadcasts, vote requests and votes, MFSTART, PINGs and PONGs, promotion (REPLICAOF NO ONE and the
// old master's slots), replica migration, the manual failover's write pause, nodes.conf saves.
// The bus itself already does PFAIL, FAIL messages, PONG clearing and configEpoch collisions.

import { MessageType, type BusMessage, type HeaderOnlyMessage, type HeaderOnlyType } from '../bus/messages.js';
import { MessageFlag } from '../bus/node-flags.js';
import { bitmapSlots } from '../slot-bitmap.js';
import { clock } from '../../base/clock.js';
import type { BusEvent, ClusterBus } from '../bus-io/bus.js';
import { setNodeAsMaster } from '../bus-io/slot-config.js';
import { updateState, type ClusterAction } from '../core/actions.js';
import type { ElectionInput } from '../core/election.js';
import { markFailingIfNeeded } from '../core/failure-detection.js';
import { FailoverCore } from '../core/failover-core.js';
import type { ManualFailoverMode } from '../core/manual-failover.js';
import { Bit } from '../core/view.js';
import type { ClusterNode } from '../state/cluster-node.js';
import type { ClusterState } from '../state/cluster-state.js';
import type { FailoverControl } from './attach.js';
import type { FailoverHost } from './failover-host.js';
import { probeRefused } from './port-probe.js';

/** A client-port probe that neither connects nor is refused within this is no evidence. */
const PROBE_TIMEOUT_MS = 500;

const PING_FAMILY = new Set<number>([MessageType.Ping, MessageType.Pong, MessageType.Meet]);

/** The bus hooks the wiring uses (ClusterBus provides them; tests give a recorder). */
export type FailoverBus = Pick<
  ClusterBus,
  'ctx' | 'onMessage' | 'onTick' | 'onLinkFailure' | 'header' | 'sendTo' | 'broadcast' | 'sendFail' | 'sendPingTo' | 'broadcastPong'
>;

export class ClusterFailover implements FailoverControl {
  readonly core = new FailoverCore();
  private beforeSleepQueued = false;
  private electionTimer: NodeJS.Timeout | undefined;

  constructor(private readonly bus: FailoverBus, private readonly host: FailoverHost) {}

  private get state(): ClusterState {
    return this.bus.ctx.state;
  }

  /** Subscribes to the bus: every processed message and every cron tick. */
  install(): void {
    this.bus.onMessage((event) => this.onMessage(event));
    this.bus.onTick((now) => {
      this.execute(this.core.cron(this.state, this.input(now)));
      this.armElectionTimer(now);
    });
    this.bus.onLinkFailure((node, code) => this.onLinkFailure(node, code));
  }

  /**
   * cluster-fast-failover: a refused bus connection to a node that answered before is evidence
   * only with its client port refusing too; the core asks for that probe.
   */
  private onLinkFailure(node: ClusterNode, code: string | undefined): void {
    if (!this.host.settings().fastFailover) return;
    const probe = this.core.deaths.busConnectFailed(node.id, code, clock.now());
    this.checkDeath(node);
    if (!probe || node.port === 0) return;
    void probeRefused(node.ip, node.port, PROBE_TIMEOUT_MS).then((refused) => {
      this.core.deaths.clientProbed(node.id, refused, clock.now());
      this.checkDeath(node);
    });
  }

  /** The evidence may be complete now: no need to wait for the cron's check. */
  private checkDeath(node: ClusterNode): void {
    if (this.state.node(node.id) !== node) return;
    const actions = this.core.deaths.check(this.state, node, clock.now(), this.host.settings().nodeTimeout);
    if (actions.length > 0) this.execute([...actions, updateState()]);
  }

  /** Whether our headers carry PAUSED (for BusContext.manualFailoverPaused). */
  manualFailoverPaused(): boolean {
    return this.core.manual.pausedFlag(this.state);
  }

  /** CLUSTER FAILOVER [FORCE|TAKEOVER]: the error text, or null once started (the reply is +OK). */
  failover(mode: ManualFailoverMode): string | null {
    const result = this.core.failoverCommand(this.state, mode, clock.now());
    if ('error' in result) return result.error;
    this.execute(result.actions);
    this.scheduleBeforeSleep();
    return null;
  }

  /** resetManualFailover: a manual failover in progress ends (a master paused for it resumes). */
  resetManualFailover(): void {
    this.execute(this.core.manual.reset());
  }

  /** What the election reads at `now` (offsets, data age, directives). */
  input(now: number): ElectionInput {
    return { now, random: () => this.host.random(), myOffset: this.host.replicationOffset(), dataAge: this.host.dataAge(now), settings: this.host.settings() };
  }

  private onMessage({ sender, message }: BusEvent): void {
    if (!sender || sender.flags & Bit.Handshake) return;
    const now = clock.now();
    const { state } = this;
    this.core.deaths.heardFrom(sender.id);
    this.execute(this.core.onHeader(state, sender, { configEpoch: Number(message.configEpoch), mflags: message.mflags }, false));
    if (PING_FAMILY.has(message.type) && 'gossip' in message && sender.flags & Bit.Master) {
      // The bus recorded the reports; reaching FAIL from them is the core's call.
      const timeout = this.host.settings().nodeTimeout;
      for (const entry of message.gossip) {
        const node = state.node(entry.nodeId);
        if (node && node !== state.myself && entry.flags & (Bit.Fail | Bit.PFail)) this.execute(markFailingIfNeeded(state, node, now, timeout));
      }
    }
    this.onFailoverMessage(message, sender, now);
    if (this.masterFailedBeforeElection()) this.core.election.pending = true;
    if (this.core.hasPending) this.scheduleBeforeSleep();
  }

  /**
   * cluster-fast-failover: our master just became FAIL (a FAIL message, or the reports of this
   * message made a majority) and no vote request went out: the election step runs before the next
   * sleep rather than at the next cron tick (clusterCron runs it every 100 ms).
   */
  private masterFailedBeforeElection(): boolean {
    const { myself } = this.state;
    if (!this.host.settings().fastFailover || myself.masterId === null || this.core.election.authSent) return false;
    const master = this.state.node(myself.masterId);
    return master !== undefined && (master.flags & Bit.Fail) !== 0;
  }

  /**
   * cluster-fast-failover: an election scheduled to start before the next cron tick starts on
   * time (its delay is 0..100 ms + rank x 200 ms, shorter than or close to the 100 ms tick).
   */
  private armElectionTimer(now: number): void {
    const election = this.core.election;
    if (!this.host.settings().fastFailover || election.authSent || election.authTime <= now || this.electionTimer) return;
    this.electionTimer = setTimeout(() => {
      this.electionTimer = undefined;
      if (election.authSent) return;
      election.pending = true;
      this.scheduleBeforeSleep();
    }, election.authTime - now);
    this.electionTimer.unref();
  }

  private onFailoverMessage(message: BusMessage, sender: NonNullable<BusEvent['sender']>, now: number): void {
    const { state } = this;
    if (message.type === MessageType.FailoverAuthRequest) {
      const request = {
        currentEpoch: Number(message.currentEpoch),
        configEpoch: Number(message.configEpoch),
        claimedSlots: bitmapSlots(message.myslots),
        forceAck: (message.mflags & MessageFlag.ForceAck) !== 0,
      };
      this.execute(this.core.onAuthRequest(state, sender, request, now, this.host.settings().nodeTimeout).actions);
    } else if (message.type === MessageType.FailoverAuthAck) {
      this.core.onAuthAck(state, sender, Number(message.currentEpoch));
    } else if (message.type === MessageType.MfStart) {
      this.execute(this.core.onMfStart(state, sender, now));
    }
  }

  /** clusterBeforeSleep's failover work, once per event-loop turn. */
  private scheduleBeforeSleep(): void {
    if (this.beforeSleepQueued) return;
    this.beforeSleepQueued = true;
    setImmediate(() => {
      this.beforeSleepQueued = false;
      if (this.core.hasPending) this.execute(this.core.beforeSleep(this.state, this.input(clock.now())));
      this.armElectionTimer(clock.now());
      // An election the run just scheduled (a manual failover starts at once) runs on the next turn,
      // as Redis's next beforeSleep would. A handshake still waiting for our offset waits for the
      // next message or cron tick instead of spinning (Redis too looks again only on an event).
      if (this.core.election.pending) this.scheduleBeforeSleep();
    });
  }

  /** Carries out the cores' actions in order. */
  execute(actions: ClusterAction[]): void {
    for (const action of actions) this.carryOut(action);
  }

  private carryOut(action: ClusterAction): void {
    const { bus, state } = this;
    switch (action.kind) {
      case 'broadcast-fail': return bus.sendFail(action.nodeId);
      case 'send-auth-request': return this.sendHeaderOnly(MessageType.FailoverAuthRequest, action.forceAck ? MessageFlag.ForceAck : 0);
      case 'send-auth-ack': return this.sendHeaderOnly(MessageType.FailoverAuthAck, 0, action.to);
      case 'send-mfstart': return this.sendHeaderOnly(MessageType.MfStart, 0, action.to);
      case 'ping': {
        const node = state.node(action.to);
        if (node) bus.sendPingTo(node, MessageType.Ping);
        return;
      }
      case 'broadcast-pong': return bus.broadcastPong(action.to);
      case 'promote-self': return this.replaceMaster(action.oldMasterId);
      case 'replicate': {
        // clusterSetMaster: follow it (a master with a replica may later be an orphan: MIGRATE_TO),
        // and drop any manual failover in progress.
        const master = state.node(action.masterId);
        if (!master) return;
        bus.ctx.becomeReplicaOf(master);
        master.flags |= Bit.MigrateTo;
        return this.execute(this.core.manual.reset());
      }
      case 'pause-clients': return this.host.pauseWrites(action.until);
      case 'unpause-clients': return this.host.unpauseWrites();
      case 'save-config': return state.changed({ saveConfig: true, fsyncConfig: action.fsync });
      case 'update-state': return state.changed({ updateState: true });
      case 'log': return this.host.log[action.level](action.message);
    }
  }

  /** A header-only message (AUTH_REQUEST to all, AUTH_ACK or MFSTART to one node). */
  private sendHeaderOnly(type: HeaderOnlyType, extraFlags: number, to?: string): void {
    const header = this.bus.header();
    const message: HeaderOnlyMessage = { ...header, type, mflags: header.mflags | extraFlags };
    if (to === undefined) return this.bus.broadcast(message);
    const node = this.state.node(to);
    if (node) this.bus.sendTo(node, message);
  }

  /**
   * clusterFailoverReplaceYourMaster: master role, replication stopped (REPLICAOF NO ONE), every
   * slot of the old master ours, state and nodes.conf (fsync) before a PONG tells everybody.
   */
  private replaceMaster(oldMasterId: string): void {
    const { state, bus } = this;
    setNodeAsMaster(bus.ctx, state.myself);
    this.host.promote();
    for (const slot of state.slots.slotsOf(oldMasterId)) state.slots.assign(slot, state.myself.id);
    state.changed({ updateState: true, saveConfig: true, fsyncConfig: true });
    bus.broadcastPong('all');
  }
}
