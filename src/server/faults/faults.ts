// A node's active partitions (FAULT PARTITION / HEAL) and shapes (FAULT SHAPE: delay, throttle),
// the links they hold or slow down, and FAULT DROP (close links now): client connections
// (sentinels and replicas among them), attached replica links, and our own master link, including
// new ones made during the partition. Every rule change recomputes every link; between changes
// the hot path pays one boolean (`faultSwitch.on`) per command (connection.ts) and nothing per read
// or write (held sockets swap their own methods: shared/faults/socket-gate.ts).

import { Socket } from 'node:net';
import { formatPeer, holdsFor, type Endpoint, type Peer, type PartitionRequest } from '../../shared/faults/spec.js';
import { SocketGate } from '../../shared/faults/socket-gate.js';
import { PartitionRules, type PartitionRule } from '../../shared/faults/rules.js';
import { LinkShaper } from '../../shared/faults/link-shaper.js';
import { describeShape, shapesFor, type ShapeRequest } from '../../shared/faults/shape-spec.js';
import type { Client } from '../clients/client.js';
import type { Server } from '../server.js';
import { clientEndpoint, isPreamble } from './endpoint.js';
import { clock } from '../base/clock.js';

/** True while any server in this process has an active partition: the connection hot-path check. */
export const faultSwitch = { on: false };


/** The part of a Connection the faults need (connection.ts). */
export interface HeldConnection {
  readonly client: Client;
  readonly socket: Socket;
  resume(): void;
}

interface Link {
  gate: SocketGate;
  /** Carries on with requests postponed while reads were held (client connections). */
  resume: (() => void) | undefined;
}

const tables = new WeakMap<Server, Faults>();
let activeTables = 0;

export function faultsOf(server: Server): Faults {
  let faults = tables.get(server);
  if (!faults) tables.set(server, (faults = new Faults(server)));
  return faults;
}

export class Faults {
  readonly rules = new PartitionRules(() => this.changed(), () => clock.now());
  readonly shapes = new PartitionRules<ShapeRequest>(() => this.changed(), () => clock.now());
  private readonly shapers = new Map<Socket, LinkShaper>();
  /** Sentinels by id (first 8 characters of the run id) -> listening address, from their hellos. */
  readonly sentinels = new Map<string, { host: string; port: number }>();
  /** Connections that ran FAULT: the operator's, never cut off (else nobody could heal). */
  private readonly operators = new Set<number>();
  private readonly links = new Map<Socket, Link>();
  private master: { socket: Socket; host: string; port: number } | undefined;
  private counted = false;

  constructor(private readonly server: Server) {}

  addOperator(client: Client): void {
    this.operators.add(client.id);
  }

  partition(request: PartitionRequest): PartitionRule {
    const rule = this.rules.add(request, (expired) => this.server.log.notice(`Partition ${expired.id} healed after ${expired.forMs} ms`));
    this.server.log.warning(`Partition ${rule.id}: ${describe(rule)}`);
    return rule;
  }

  shape(request: ShapeRequest): PartitionRule<ShapeRequest> {
    const rule = this.shapes.add(request, (expired) => this.server.log.notice(`Shape ${expired.id} cleared after ${expired.forMs} ms`));
    this.server.log.warning(`Shape ${rule.id}: ${describeShape(rule)} ${describe(rule)}`);
    return rule;
  }

  /** Heals every rule (partitions and shapes), or removes the given peers from every rule (a rule left with none heals). Returns the rules touched. */
  heal(peers?: readonly Peer[]): number {
    const touched = this.rules.heal(peers);
    const shapes = this.shapes.heal(peers);
    if (touched > 0) this.server.log.warning(`Healed ${touched} partition(s)${peers ? ` from ${peers.map(formatPeer).join(',')}` : ''}`);
    if (shapes > 0) this.server.log.warning(`Cleared ${shapes} shape(s)${peers ? ` from ${peers.map(formatPeer).join(',')}` : ''}`);
    return touched + shapes;
  }

  /**
   * FAULT DROP: closes the links to the peers now, as a connection reset would (a replica's link
   * mid full sync, say); they reconnect as usual unless a partition holds them. Returns how many.
   */
  drop(peers: readonly Peer[]): number {
    const rule: PartitionRequest = { peers: [...peers], direction: 'both', forMs: 0, except: [] };
    const matches = (endpoint: Endpoint) => holdsFor([rule], endpoint).in;
    let dropped = 0;
    for (const client of this.server.clients.values()) {
      const sink = client.sink as Partial<HeldConnection>;
      if (!(sink.socket instanceof Socket) || client.isReplica || this.operators.has(client.id)) continue;
      if (matches(clientEndpoint(client, sink.socket, this.sentinels))) {
        sink.socket.destroy();
        dropped++;
      }
    }
    for (const link of this.server.replication?.links ?? []) {
      if (!link.isClosed && matches(clientEndpoint(link.client, link.socket, this.sentinels))) {
        link.socket.destroy();
        dropped++;
      }
    }
    const master = this.master;
    if (master && !master.socket.destroyed && matches({ role: 'master', name: '', host: master.host, port: master.port })) {
      master.socket.destroy();
      dropped++;
    }
    this.server.log.warning(`Dropped ${dropped} link(s) to ${peers.map(formatPeer).join(',')}`);
    return dropped;
  }

  /**
   * connection.ts, before running a request while a partition is active: true holds it (the
   * connection postpones it and calls resume() on heal). The request itself may identify the link.
   */
  holdRequest(connection: HeldConnection, args: readonly string[]): boolean {
    const client = connection.client;
    if (this.operators.has(client.id) || isPreamble(client, args)) return false;
    if (args[0]!.toLowerCase() === 'fault') return false;
    const endpoint = clientEndpoint(client, connection.socket, this.sentinels, args);
    if (this.shapes.size > 0) this.applyShape(connection.socket, endpoint);
    if (this.rules.size === 0) return false;
    return this.apply(connection.socket, endpoint, () => connection.resume());
  }

  /** master-link.ts: a new socket towards our master (held at once if the master is cut off). */
  onMasterSocket(socket: Socket, host: string, port: number): void {
    this.master = { socket, host, port };
    if (this.rules.size > 0) this.apply(socket, { role: 'master', name: '', host, port }, undefined);
    if (this.shapes.size > 0) this.applyShape(socket, { role: 'master', name: '', host, port });
  }

  /** A hello PUBLISHed by a sentinel: where it listens. */
  onHello(id: string, host: string, port: number): void {
    this.sentinels.set(id, { host, port });
  }

  /**
   * cluster/bus-io: whether bus traffic with the cluster node at host:port (bus port cport) is cut.
   * The bus drops a cut peer's messages both ways rather than holding its sockets, and the links stay
   * up, as a black hole keeps them; a link that lost frames is closed once healed and made afresh
   * (bus.ts healedAfterDrops), since TCP would have delivered what we dropped.
   */
  holdsBus(host: string, port: number, cport: number): { in: boolean; out: boolean } {
    if (this.rules.size === 0) return { in: false, out: false };
    const byPort = holdsFor(this.rules.values(), { role: 'node', name: '', host, port });
    const byBusPort = holdsFor(this.rules.values(), { role: 'node', name: '', host, port: cport });
    return { in: byPort.in || byBusPort.in, out: byPort.out || byBusPort.out };
  }

  get heldLinks(): number {
    return this.links.size;
  }

  get heldWriteBytes(): number {
    let bytes = 0;
    for (const link of this.links.values()) bytes += link.gate.heldBytes;
    return bytes;
  }

  private changed(): void {
    const active = this.rules.size > 0 || this.shapes.size > 0;
    if (active !== this.counted) {
      activeTables += active ? 1 : -1;
      this.counted = active;
      faultSwitch.on = activeTables > 0;
    }
    this.refresh();
  }

  /** Recomputes every link the rules may name; links no rule holds any more are healed. */
  private refresh(): void {
    const seen = new Set<Socket>();
    for (const client of this.server.clients.values()) {
      const sink = client.sink as Partial<HeldConnection>;
      if (!(sink.socket instanceof Socket) || client.isReplica || this.operators.has(client.id)) continue;
      seen.add(sink.socket);
      const endpoint = clientEndpoint(client, sink.socket, this.sentinels);
      this.apply(sink.socket, endpoint, () => sink.resume!());
      this.applyShape(sink.socket, endpoint);
    }
    for (const link of this.server.replication?.links ?? []) {
      if (link.isClosed) continue;
      seen.add(link.socket);
      const endpoint = clientEndpoint(link.client, link.socket, this.sentinels);
      this.apply(link.socket, endpoint, undefined);
      this.applyShape(link.socket, endpoint);
    }
    const master = this.master;
    if (master && !master.socket.destroyed) {
      seen.add(master.socket);
      const endpoint: Endpoint = { role: 'master', name: '', host: master.host, port: master.port };
      this.apply(master.socket, endpoint, undefined);
      this.applyShape(master.socket, endpoint);
    }
    for (const [socket, shaper] of this.shapers) {
      if (seen.has(socket)) continue;
      this.shapers.delete(socket);
      shaper.set(null, null);
    }
    for (const [socket, link] of this.links) {
      if (seen.has(socket)) continue;
      this.links.delete(socket);
      link.gate.set(false, false);
      link.resume?.();
    }
  }

  /** Holds or heals one link as the rules say; returns whether its reads are held. */
  private apply(socket: Socket, endpoint: Endpoint, resume: (() => void) | undefined): boolean {
    const want = holdsFor(this.rules.values(), endpoint);
    let link = this.links.get(socket);
    if (!want.in && !want.out && !link) return false;
    if (!link) {
      link = { gate: new SocketGate(socket), resume };
      this.links.set(socket, link);
      socket.once('close', () => this.links.delete(socket));
    }
    const readsWereHeld = link.gate.holdsReads;
    link.gate.set(want.in, want.out);
    if (!want.in && !want.out) this.links.delete(socket);
    if (readsWereHeld && !want.in) link.resume?.();
    return want.in;
  }

  /** Slows one link down as the shape rules say (or puts it back to full speed). */
  private applyShape(socket: Socket, endpoint: Endpoint): void {
    const want = shapesFor(this.shapes.values(), endpoint);
    let shaper = this.shapers.get(socket);
    if (!want.in && !want.out) {
      if (shaper) {
        this.shapers.delete(socket);
        shaper.set(null, null);
      }
      return;
    }
    if (!shaper) {
      shaper = new LinkShaper(socket, () => clock.monotonic());
      this.shapers.set(socket, shaper);
      socket.once('close', () => this.shapers.delete(socket));
    }
    shaper.set(want.in, want.out);
  }

  /** FAULT STATUS lines and INFO faults fields. */
  describeRules(): string[] {
    return [
      ...[...this.rules.values()].map((rule) => `id=${rule.id} ${describe(rule)}`),
      ...[...this.shapes.values()].map((rule) => `shape id=${rule.id} ${describeShape(rule)} ${describe(rule)}`),
    ];
  }

  infoLines(): string[] {
    const now = clock.now();
    return [
      `fault_partitions:${this.rules.size}`,
      `fault_held_links:${this.links.size}`,
      `fault_held_write_bytes:${this.heldWriteBytes}`,
      `fault_shapes:${this.shapes.size}`,
      `fault_shaped_links:${this.shapers.size}`,
      `fault_shaped_queued_bytes:${[...this.shapers.values()].reduce((sum, s) => sum + s.queuedBytes, 0)}`,
      ...[...this.shapes.values()].map(
        (rule) =>
          `shape_${rule.id}:peers=${rule.peers.map(formatPeer).join('|')},direction=${rule.direction},delay_ms=${rule.delayMs},` +
          `throttle_bytes_per_sec=${rule.bytesPerSec},remaining_ms=${rule.until > 0 ? Math.max(0, rule.until - now) : -1}`,
      ),
      ...[...this.rules.values()].map(
        (rule) =>
          `partition_${rule.id}:peers=${rule.peers.map(formatPeer).join('|')},direction=${rule.direction},` +
          `remaining_ms=${rule.until > 0 ? Math.max(0, rule.until - now) : -1},except=${rule.except.join('|')}`,
      ),
    ];
  }
}

function describe(rule: PartitionRule<PartitionRequest>): string {
  const remaining = rule.until > 0 ? Math.max(0, rule.until - clock.now()) : -1;
  const except = rule.except.length > 0 ? ` except=${rule.except.join(',')}` : '';
  return `peers=${rule.peers.map(formatPeer).join(',')} direction=${rule.direction} remaining_ms=${remaining}${except}`;
}

/** INFO faults (commands/info.ts). */
export function faultsInfoSection(server: Server): string[] {
  return tables.get(server)?.infoLines() ?? ['fault_partitions:0', 'fault_held_links:0', 'fault_held_write_bytes:0', 'fault_shapes:0', 'fault_shaped_links:0', 'fault_shaped_queued_bytes:0'];
}
