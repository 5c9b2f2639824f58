// A sentinel's active partitions (FAULT PARTITION / HEAL on its RESP server): the links it opens to
// monitored masters, replicas and peer sentinels (io/resp-client.ts registers each socket), and
// the connections it accepts (other sentinels' command links, clients), held as a black hole with
// shared/faults/socket-gate.ts. What an address is (master, replica, sentinel) is asked of the
// core, again every second while a partition is active, since failovers move roles around.

import type { Socket } from 'node:net';
import { holdsFor, sameHost, formatPeer, type Endpoint, type PartitionRequest, type Peer } from '../../shared/faults/spec.js';
import { SocketGate } from '../../shared/faults/socket-gate.js';
import { PartitionRules } from '../../shared/faults/rules.js';
import { SENTINEL_LINK_NAME } from '../../shared/fencing-contract.js';

/** What the faults need to know of the monitored world (the server wires it to the core). */
export interface Topology {
  /** The role of the instance listening at host:port, if the core knows it. */
  roleOf(host: string, port: number): Endpoint['role'] | undefined;
  /** A peer sentinel's listening address by the first 8 characters of its run id. */
  sentinelAddress(id: string): { host: string; port: number } | undefined;
}

/** A connection the sentinel accepted (server.ts lists them). */
export interface InboundConn {
  readonly id: number;
  readonly name: string;
  readonly socket: Socket;
  /** Carries on with requests postponed while its reads were held. */
  resume(): void;
}

export class SentinelFaults {
  /** True while a partition is active: the server's per-request check. */
  on = false;
  topology: Topology | undefined;
  /** The accepted connections (set by the server). */
  inbound: (() => Iterable<InboundConn>) | undefined;
  private readonly rules = new PartitionRules(() => this.changed(), Date.now);
  private readonly outbound = new Map<Socket, { host: string; port: number }>();
  /** Names given by a request that was held before it ran (CLIENT SETNAME sentinel-<id>-cmd). */
  private readonly namedBy = new WeakMap<Socket, string>();
  private readonly gates = new Map<Socket, SocketGate>();
  private readonly operators = new Set<number>();
  private refresher: NodeJS.Timeout | undefined;

  /** resp-client.ts: every socket the sentinel opens, before its first byte. */
  track(socket: Socket, host: string, port: number): void {
    this.outbound.set(socket, { host, port });
    socket.once('close', () => this.outbound.delete(socket));
    if (this.on) this.apply(socket, this.outboundEndpoint(host, port));
  }

  addOperator(clientId: number): void {
    this.operators.add(clientId);
  }

  partition(request: PartitionRequest): number {
    return this.rules.add(request).id;
  }

  heal(peers?: readonly Peer[]): number {
    return this.rules.heal(peers);
  }

  /**
   * server.ts, before running a request while a partition is active: true holds it (the server
   * postpones it and `resume` carries on after the heal). The request may name the connection.
   */
  holdRequest(conn: Omit<InboundConn, 'resume'>, args: readonly string[]): boolean {
    if (this.operators.has(conn.id)) return false;
    const command = args[0]!.toLowerCase();
    if (command === 'fault' || (conn.name === '' && command === 'auth')) return false;
    if (command === 'client' && args[1]?.toLowerCase() === 'setname' && args[2] !== undefined) this.namedBy.set(conn.socket, args[2]);
    return this.apply(conn.socket, this.inboundEndpoint(this.namedBy.get(conn.socket) ?? conn.name));
  }

  describeRules(): string[] {
    return [...this.rules.values()].map((rule) => {
      const remaining = rule.until > 0 ? Math.max(0, rule.until - Date.now()) : -1;
      return `id=${rule.id} peers=${rule.peers.map(formatPeer).join(',')} direction=${rule.direction} remaining_ms=${remaining}`;
    });
  }

  /** null: an address the core does not know (nothing to match). */
  private outboundEndpoint(host: string, port: number): Endpoint | null {
    const role = this.topology?.roleOf(host, port);
    return role ? { role, name: '', host, port } : null;
  }

  private inboundEndpoint(name: string): Endpoint {
    const sentinel = SENTINEL_LINK_NAME.exec(name);
    if (!sentinel) return { role: 'client', name };
    const address = this.topology?.sentinelAddress(sentinel[1]!);
    return { role: 'sentinel', name, host: address?.host, port: address?.port };
  }

  private changed(): void {
    this.on = this.rules.size > 0;
    if (this.on && !this.refresher) {
      this.refresher = setInterval(() => this.refresh(), 1000);
      this.refresher.unref();
    } else if (!this.on && this.refresher) {
      clearInterval(this.refresher);
      this.refresher = undefined;
    }
    this.refresh();
  }

  private refresh(): void {
    for (const [socket, { host, port }] of this.outbound) this.apply(socket, this.outboundEndpoint(host, port));
    for (const conn of this.inbound?.() ?? []) {
      const socket = conn.socket;
      const readsWereHeld = this.gates.get(socket)?.holdsReads ?? false;
      const holds = this.operators.has(conn.id) ? this.apply(socket, null) : this.apply(socket, this.inboundEndpoint(this.namedBy.get(socket) ?? conn.name));
      if (readsWereHeld && !holds) conn.resume();
    }
  }

  /** Holds or heals one socket; returns whether its reads are held. */
  private apply(socket: Socket, endpoint: Endpoint | null): boolean {
    if (socket.destroyed) return false;
    const want = endpoint ? holdsFor(this.rules.values(), endpoint) : { in: false, out: false };
    let gate = this.gates.get(socket);
    if (!want.in && !want.out && !gate) return false;
    if (!gate) {
      this.gates.set(socket, (gate = new SocketGate(socket)));
      socket.once('close', () => this.gates.delete(socket));
    }
    gate.set(want.in, want.out);
    if (!want.in && !want.out) this.gates.delete(socket);
    return want.in;
  }
}

/** One sentinel per process: the links and the server share this table. */
export const sentinelFaults = new SentinelFaults();

/** Topology from the core's instances (kinds: master, slave, sentinel). */
export function topologyOf(instances: () => readonly { kind: string; host: string; port: number; runId: string | null }[]): Topology {
  return {
    roleOf(host, port) {
      const found = instances().find((i) => i.port === port && sameHost(i.host, host));
      if (!found) return undefined;
      return found.kind === 'master' ? 'master' : found.kind === 'slave' ? 'replica' : 'sentinel';
    },
    sentinelAddress(id) {
      const found = instances().find((i) => i.kind === 'sentinel' && i.runId?.startsWith(id));
      return found ? { host: found.host, port: found.port } : undefined;
    },
  };
}
