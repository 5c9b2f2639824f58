// A scripted world for the sentinel decision core: fake Redis nodes (role, master, offset, priority,
// alive), several SentinelCore instances, a network that can be cut between any two endpoints, and
// a fake clock. Actions are carried out instantly and their replies fed back, so scenario tests read
// like the story they check (kill the master, cut a sentinel off, ...).

import { leaseToRequest } from '../../src/sentinel/core/monitor.js';
import { isMasterDownByAddr, monitor } from '../../src/sentinel/core/admin.js';
import { masterSettings } from '../../src/sentinel/core/instances.js';
import { SentinelCore, type PingReply } from '../../src/sentinel/core/sentinel-core.js';
import type { MasterSettings } from '../../src/sentinel/core/types.js';
import type { Action, Instance } from '../../src/sentinel/core/types.js';

export const HOST = '127.0.0.1';

export interface SimNode {
  port: number;
  runId: string;
  alive: boolean;
  role: 'master' | 'slave';
  masterPort: number | null;
  offset: number;
  priority: number;
  /** Ignores SLAVEOF (a node that never completes its promotion or repointing). */
  ignoresSlaveOf?: boolean;
  /** Extra INFO lines (a clusterctl node's `# Fencing` section: fence_lease_ms, sync_acked_offset...). */
  extraInfo?: string[];
  /** A clusterctl node's fence-lease-ms: it answers FENCING LEASE with min(this, the request). */
  fenceLeaseMs?: number;
  /** How it answers PING (default +PONG). */
  pingReply?: PingReply;
  /** FENCING FENCE received (a forced failover asked it to refuse writes), with the time. */
  fencedAt?: number;
  /** FENCING RELEASE received from these sentinel ports (read once it runs again, if stopped). */
  releasedBy?: number[];
  /**
   * SIGSTOP: alive, its connections stay up (the kernel accepts and buffers), but it answers
   * nothing; what it was sent waits in its socket buffers for SIGCONT.
   */
  stopped?: boolean;
  /** replica-announced (INFO), default yes. */
  announced?: boolean;
}

export interface SimEvent {
  at: number;
  channel: string;
  message: string;
}

export interface SimMonitor {
  name: string;
  port: number;
  quorum: number;
  downAfterMs?: number;
  failoverTimeoutMs?: number;
  settings?: Partial<MasterSettings>;
}

export interface SimSentinel {
  port: number;
  core: SentinelCore;
  alive: boolean;
  events: SimEvent[];
  saves: number;
}

export class Sim {
  now = 1_000_000;
  readonly nodes = new Map<number, SimNode>();
  readonly sentinels: SimSentinel[] = [];
  private readonly cuts = new Set<string>();
  /** Instance id -> port, kept after the core drops a record (a FENCING RELEASE names a dropped one). */
  private readonly portOf = new Map<number, number>();
  private seed = 1;

  addNode(port: number, role: 'master' | 'slave', masterPort: number | null = null, offset = 0, priority = 100): SimNode {
    const node: SimNode = { port, runId: `${port}`.padStart(40, 'a'), alive: true, role, masterPort, offset, priority };
    this.nodes.set(port, node);
    return node;
  }

  addSentinel(port: number, masters: SimMonitor[]): SimSentinel {
    const myid = `${port}`.padStart(40, '0');
    // A deterministic pseudo-random source per sentinel (start jitter, desync).
    let state = this.seed++ * 7919;
    const random = () => ((state = (state * 48271) % 2147483647) % 1000) / 1000;
    const core = new SentinelCore({ myid, now: this.now, settings: { announceIp: HOST, port }, random });
    for (const m of masters) {
      const settings: MasterSettings = { ...masterSettings(core, m.quorum), downAfterMs: m.downAfterMs ?? 1000, failoverTimeoutMs: m.failoverTimeoutMs ?? 5000, ...m.settings };
      monitor(core, m.name, HOST, m.port, settings);
    }
    const sentinel: SimSentinel = { port, core, alive: true, events: [], saves: 0 };
    this.sentinels.push(sentinel);
    this.flush(sentinel);
    return sentinel;
  }

  /** Makes a and b (ports of nodes or sentinels) unable to reach each other. */
  cut(a: number, b: number): void {
    this.cuts.add(`${Math.min(a, b)}|${Math.max(a, b)}`);
  }
  heal(): void {
    this.cuts.clear();
  }
  /** Cuts `port` off from every other endpoint. */
  isolate(port: number): void {
    for (const other of [...this.nodes.keys(), ...this.sentinels.map((s) => s.port)]) if (other !== port) this.cut(port, other);
  }

  /** Whether `to` answers `from`: connected and not stopped. */
  reachable(from: number, to: number): boolean {
    return this.connected(from, to) && !this.nodes.get(to)?.stopped;
  }

  /** Whether a connection from `from` to `to` is up (a stopped node's too). */
  connected(from: number, to: number): boolean {
    const alive = this.nodes.get(to)?.alive ?? this.sentinels.find((s) => s.port === to)?.alive ?? false;
    return alive && !this.cuts.has(`${Math.min(from, to)}|${Math.max(from, to)}`);
  }

  /** Advances the clock by `ms` in steps of `step`, ticking every live sentinel. */
  run(ms: number, step = 10): void {
    const end = this.now + ms;
    while (this.now < end) {
      this.now += step;
      for (const sentinel of this.sentinels) {
        if (!sentinel.alive) continue;
        this.syncLinks(sentinel);
        sentinel.core.tick(this.now);
        this.flush(sentinel);
      }
    }
  }

  /** Runs until `condition` holds (checked every step) or `ms` passed; returns whether it held. */
  runUntil(condition: () => boolean, ms: number, step = 10): boolean {
    const end = this.now + ms;
    while (this.now < end) {
      if (condition()) return true;
      this.run(step, step);
    }
    return condition();
  }

  events(channel: string): SimEvent[] {
    return this.sentinels.flatMap((s) => s.events.filter((e) => e.channel === channel));
  }

  masterAddress(sentinel: SimSentinel, name: string): number {
    const master = sentinel.core.masters.get(name)!;
    const promoted = master.promotedReplica;
    return master.failoverInProgress && promoted && ['reconf_slaves', 'update_config'].includes(master.failoverState) ? promoted.port : master.port;
  }

  private syncLinks(sentinel: SimSentinel): void {
    for (const instance of sentinel.core.instances()) {
      this.portOf.set(instance.id, instance.port);
      const up = this.connected(sentinel.port, instance.port);
      if (instance.link.cmdConnected !== up) {
        sentinel.core.linkChanged(instance.id, 'cmd', up, this.now);
        // The FENCING LEASE sent in the link handshake (sentinel/io/links.ts), answered after it.
        const node = this.nodes.get(instance.port);
        const request = leaseToRequest(instance);
        if (up && !node?.stopped && node?.fenceLeaseMs !== undefined && request > 0) sentinel.core.onLeaseGranted(instance.id, Math.min(node.fenceLeaseMs, request), this.now);
      }
      if (instance.kind !== 'sentinel' && instance.link.pubsubConnected !== up) sentinel.core.linkChanged(instance.id, 'pubsub', up, this.now);
    }
  }

  /** Carries out every action a sentinel produced, including those its replies cause, until quiet. */
  flush(sentinel: SimSentinel): void {
    for (let actions = sentinel.core.drain(); actions.length > 0; actions = sentinel.core.drain()) {
      for (const action of actions) this.perform(sentinel, action);
    }
  }

  private perform(sentinel: SimSentinel, action: Action): void {
    if (action.type === 'event') {
      sentinel.events.push({ at: this.now, channel: action.channel, message: action.message });
      return;
    }
    if (action.type === 'save') {
      sentinel.saves++;
      return;
    }
    if (action.type === 'crash') {
      sentinel.alive = false;
      return;
    }
    if (action.type === 'log' || action.type === 'run-script' || action.type === 'kill-script') return;
    if (action.type === 'release') {
      const port = this.portOf.get(action.id)!;
      const node = this.nodes.get(port);
      if (node && this.connected(sentinel.port, port)) (node.releasedBy ??= []).push(sentinel.port);
      return;
    }
    const instance = sentinel.core.find(action.id);
    if (!instance || !this.reachable(sentinel.port, instance.port)) return;
    const core = sentinel.core;
    switch (action.type) {
      case 'ping':
        core.onPing(action.id, this.nodes.get(instance.port)?.pingReply ?? 'pong', this.now);
        break;
      case 'script-kill':
        core.onReply(action.id, this.now);
        break;
      case 'fence': {
        const node = this.nodes.get(instance.port)!;
        if (node.fenceLeaseMs !== undefined) node.fencedAt = action.ms > 0 ? this.now : undefined;
        core.onFenced(action.id, node.fenceLeaseMs !== undefined, this.now);
        break;
      }
      case 'info':
        core.onInfo(action.id, this.info(instance.port), this.now);
        break;
      case 'hello':
        this.deliverHello(sentinel, instance, `${action.ip ?? HOST},${action.rest}`);
        core.onPublished(action.id, true, this.now);
        break;
      case 'ask': {
        const peer = this.sentinels.find((s) => s.port === instance.port)!;
        const [down, leader, epoch] = isMasterDownByAddr(peer.core, action.masterHost, action.masterPort, action.epoch, action.runId);
        this.flush(peer);
        core.onAsk(action.id, { down: down === 1, leader, epoch }, this.now);
        break;
      }
      case 'slaveof': {
        const node = this.nodes.get(instance.port)!;
        if (!node.ignoresSlaveOf) node.role = action.host === null ? 'master' : 'slave';
        if (!node.ignoresSlaveOf) node.masterPort = action.host === null ? null : action.port;
        core.onReply(action.id, this.now);
        core.onInfo(action.id, this.info(instance.port), this.now);
        break;
      }
    }
  }

  /** PUBLISH to a node reaches every sentinel subscribed there; to a sentinel, that sentinel. */
  private deliverHello(from: SimSentinel, target: Instance, payload: string): void {
    if (target.kind === 'sentinel') {
      const peer = this.sentinels.find((s) => s.port === target.port)!;
      peer.core.onHello(payload, this.now);
      this.flush(peer);
      return;
    }
    for (const peer of this.sentinels) {
      if (!peer.alive || !this.reachable(peer.port, target.port)) continue;
      const subscribed = peer.core.instances().some((i) => i.kind !== 'sentinel' && i.port === target.port && !i.disconnected);
      if (!subscribed) continue;
      peer.core.onHello(payload, this.now);
      if (peer !== from) this.flush(peer);
    }
  }

  info(port: number): string {
    const node = this.nodes.get(port)!;
    const lines = ['# Server', `run_id:${node.runId}`, '', '# Replication', `role:${node.role}`];
    if (node.role === 'master') {
      const replicas = [...this.nodes.values()].filter((r) => r.alive && r.role === 'slave' && r.masterPort === port);
      lines.push(`connected_slaves:${replicas.length}`);
      replicas.forEach((r, i) => lines.push(`slave${i}:ip=${HOST},port=${r.port},state=online,offset=${r.offset},lag=0`));
    } else {
      const upstream = this.nodes.get(node.masterPort ?? -1);
      const up = !!upstream && upstream.alive && upstream.role === 'master';
      lines.push(`master_host:${HOST}`, `master_port:${node.masterPort}`, `master_link_status:${up ? 'up' : 'down'}`);
      if (!up) lines.push('master_link_down_since_seconds:1');
      lines.push(`slave_repl_offset:${node.offset}`, `slave_priority:${node.priority}`, `replica_announced:${node.announced === false ? 0 : 1}`);
    }
    if (node.extraInfo) lines.push('', '# Fencing', ...node.extraInfo);
    return `${lines.join('\r\n')}\r\n`;
  }
}
