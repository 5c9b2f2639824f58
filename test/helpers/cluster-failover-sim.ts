// A whole cluster of failover cores on one fake clock, for scenario tests: every node holds its own
// ClusterState and FailoverCore; each 100 ms tick delivers PINGs/PONGs and gossip between live
// nodes, runs every cron, and carries out the actions (FAIL broadcasts, vote requests and ACKs,
// MFSTART, promotion) as the I/O layer would, with the header fields cluster.c would send.

import { MessageFlag, NodeFlag } from '../../src/server/cluster/bus/node-flags.js';
import type { ClusterAction } from '../../src/server/cluster/core/actions.js';
import { FailoverCore } from '../../src/server/cluster/core/failover-core.js';
import type { FailoverSettings } from '../../src/server/cluster/core/view.js';
import type { ClusterState } from '../../src/server/cluster/state/cluster-state.js';
import { nid, viewOf, type MasterLayout } from './cluster-world.js';

/**
 * How a node that is not alive looks from the outside (what the I/O layer feeds
 * core/death-evidence.ts): killed refuses every connection at once; paused (SIGSTOP, a GC pause)
 * and partitioned (packets dropped) make connections hang, which is no evidence.
 */
export type Fault = 'killed' | 'paused' | 'partitioned';

export interface SimNode {
  name: string;
  id: string;
  state: ClusterState;
  core: FailoverCore;
  alive: boolean;
  /** Why it is not alive (killed when only `alive` was set). */
  fault?: Fault;
  offset: number;
  /** When this replica last heard its master (dataAge is measured from it). */
  masterHeardAt: number;
  saves: number;
  pausedUntil: number;
}

export class ClusterSim {
  now = 100_000;
  readonly nodes = new Map<string, SimNode>();
  readonly events: { at: number; node: string; action: ClusterAction }[] = [];

  constructor(layout: MasterLayout[], readonly settings: FailoverSettings, readonly random: () => number = () => 0.5) {
    const names = layout.flatMap((m) => [m.name, ...(m.replicas ?? [])]);
    for (const name of names) {
      this.nodes.set(name, {
        name, id: nid(name), state: viewOf(name, layout), core: new FailoverCore(), alive: true, offset: 1000,
        masterHeardAt: this.now, saves: 0, pausedUntil: 0,
      });
    }
  }

  node(name: string): SimNode {
    return this.nodes.get(name)!;
  }

  /** Takes `name` down in the way `fault` says; `alive = false` alone means killed. */
  fail(name: string, fault: Fault): void {
    const node = this.node(name);
    node.alive = false;
    node.fault = fault;
  }

  private byId(id: string): SimNode | undefined {
    return [...this.nodes.values()].find((n) => n.id === id);
  }

  tick(): void {
    this.now += 100;
    const live = [...this.nodes.values()].filter((n) => n.alive);
    for (const node of live) this.exchange(node);
    for (const node of live) {
      this.run(node, node.core.cron(node.state, this.input(node)));
      while (node.core.hasPending) this.run(node, node.core.beforeSleep(node.state, this.input(node)));
    }
  }

  runFor(ms: number, until: () => boolean = () => false): boolean {
    for (let spent = 0; spent < ms; spent += 100) {
      this.tick();
      if (until()) return true;
    }
    return false;
  }

  input(node: SimNode) {
    const master = node.state.myself.masterId === null ? undefined : this.byId(node.state.myself.masterId);
    if (master?.alive) node.masterHeardAt = this.now;
    const dataAge = Math.floor(this.now / 1000) * 1000 - Math.floor(node.masterHeardAt / 1000) * 1000;
    return { now: this.now, random: this.random, myOffset: node.offset, dataAge, settings: this.settings };
  }

  /** PING/PONG liveness from `node`'s side, then its header and gossip delivered to every live peer. */
  private exchange(node: SimNode): void {
    for (const record of node.state.nodes.values()) {
      if (record === node.state.myself) continue;
      const peer = this.byId(record.id);
      if (peer?.alive) {
        node.core.deaths.heardFrom(record.id);
        record.pingSent = 0;
        record.dataReceived = this.now;
        if (record.flags & (NodeFlag.PFail | NodeFlag.Fail)) this.run(node, node.core.onPong(node.state, record, this.now, this.settings.nodeTimeout));
      } else {
        if (record.pingSent === 0) record.pingSent = this.now;
        // The cron reconnects every tick: a killed node refuses the bus and the client port probe.
        if (peer && (peer.fault ?? 'killed') === 'killed' && node.core.deaths.busConnectFailed(record.id, 'ECONNREFUSED', this.now)) {
          node.core.deaths.clientProbed(record.id, true, this.now);
        }
      }
    }
    for (const peer of this.nodes.values()) {
      if (!peer.alive || peer === node) continue;
      const sender = peer.state.node(node.id)!;
      sender.replOffset = node.offset;
      this.learnRole(peer, node);
      const mflags = node.core.manual.pausedFlag(node.state) ? MessageFlag.Paused : 0;
      this.run(peer, peer.core.onHeader(peer.state, sender, { configEpoch: this.claimedEpoch(node), mflags }, true));
      for (const about of node.state.nodes.values()) {
        const target = peer.state.node(about.id);
        if (target) this.run(peer, peer.core.onGossip(peer.state, sender, target, about.flags & ~NodeFlag.Myself, this.now, this.settings.nodeTimeout));
      }
    }
  }

  /** What clusterUpdateSlotsConfigWith would do on a header from a newly promoted master. */
  private learnRole(peer: SimNode, node: SimNode): void {
    const me = node.state.myself;
    const record = peer.state.node(node.id)!;
    if (me.masterId !== null || record.masterId === null) return;
    const oldMaster = record.masterId;
    record.flags = (record.flags & ~NodeFlag.Slave) | NodeFlag.Master;
    record.masterId = null;
    record.configEpoch = me.configEpoch;
    for (const slot of peer.state.slots.slotsOf(oldMaster)) peer.state.slots.assign(slot, node.id);
    if (peer.state.myself.masterId === oldMaster) peer.state.myself.masterId = node.id;
    const old = peer.state.node(oldMaster);
    if (old && peer.state.myself !== old) old.flags &= ~NodeFlag.MigrateTo;
  }

  private claimedEpoch(node: SimNode): number {
    const masterId = node.state.myself.masterId;
    return masterId === null ? node.state.myself.configEpoch : node.state.node(masterId)!.configEpoch;
  }

  private run(node: SimNode, actions: ClusterAction[]): void {
    for (const action of actions) {
      this.events.push({ at: this.now, node: node.name, action });
      this.carryOut(node, action);
    }
  }

  private carryOut(node: SimNode, action: ClusterAction): void {
    const peers = [...this.nodes.values()].filter((p) => p.alive && p !== node);
    switch (action.kind) {
      case 'broadcast-fail':
        for (const p of peers) this.run(p, p.core.onFail(node.id, p.state.node(action.nodeId), this.now));
        return;
      case 'send-auth-request':
        for (const p of peers) this.voteRequest(p, node, action.forceAck);
        return;
      case 'send-auth-ack': {
        const to = this.byId(action.to);
        if (to?.alive) to.core.onAuthAck(to.state, to.state.node(node.id)!, node.state.currentEpoch);
        return;
      }
      case 'send-mfstart': {
        const to = this.byId(action.to);
        if (to?.alive) this.run(to, to.core.onMfStart(to.state, to.state.node(node.id), this.now));
        return;
      }
      case 'promote-self':
        this.promote(node, action.oldMasterId);
        return;
      case 'pause-clients':
        node.pausedUntil = action.until;
        return;
      case 'unpause-clients':
        node.pausedUntil = 0;
        return;
      case 'save-config':
        node.saves++;
        return;
      default:
        return;
    }
  }

  /** A FAILOVER_AUTH_REQUEST arriving at `voter`: its header's currentEpoch is adopted first. */
  private voteRequest(voter: SimNode, requester: SimNode, forceAck: boolean): void {
    voter.state.currentEpoch = Math.max(voter.state.currentEpoch, requester.state.currentEpoch);
    const masterId = requester.state.myself.masterId;
    const claimedSlots = masterId === null ? [] : requester.state.slots.slotsOf(masterId);
    const request = { currentEpoch: requester.state.currentEpoch, configEpoch: this.claimedEpoch(requester), claimedSlots, forceAck };
    this.run(voter, voter.core.onAuthRequest(voter.state, voter.state.node(requester.id)!, request, this.now, this.settings.nodeTimeout).actions);
  }

  private promote(node: SimNode, oldMasterId: string): void {
    const me = node.state.myself;
    me.flags = (me.flags & ~NodeFlag.Slave) | NodeFlag.Master;
    me.masterId = null;
    for (const slot of node.state.slots.slotsOf(oldMasterId)) node.state.slots.assign(slot, node.id);
  }

  /** CLUSTER FAILOVER on `name`: the error text, or null after its actions were carried out. */
  failoverCommand(name: string, mode: 'default' | 'force' | 'takeover'): string | null {
    const node = this.node(name);
    const result = node.core.failoverCommand(node.state, mode, this.now);
    if ('error' in result) return result.error;
    this.run(node, result.actions);
    return null;
  }

  promotions(): { at: number; node: string; epoch: number }[] {
    return this.events.flatMap((e) => (e.action.kind === 'promote-self' ? [{ at: e.at, node: e.node, epoch: e.action.epoch }] : []));
  }
}
