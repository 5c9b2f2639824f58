// Moving one hash slot between masters while clients keep writing, the way redis-cli's reshard does
// (redis-cli.c clusterManagerMoveSlot): the target marks the slot IMPORTING, the source MIGRATING
// (from then on the source answers ASK for keys it no longer has, and clients follow), the keys go
// over in batches with MIGRATE (copied, then removed from the source only once the target has
// them), then CLUSTER SETSLOT NODE hands the slot to the target: on the target first (it owns the
// slot, with a bumped config epoch, before the source stops answering ASK for it), then the source,
// then every other master, so no node keeps redirecting to the old owner. MIGRATE never
// carries REPLACE: a key the target already holds stops the move instead of being overwritten.

import type { Redis } from 'ioredis';
import { CliError } from '../errors.js';
import { connectClient } from '../probe/client.js';
import { passwordFor } from '../probe/passwords.js';

/** A master taking part in a move: where to reach it and its cluster id. */
export interface SlotOwner {
  name: string;
  port: number;
  id: string;
}

/** One connection per node for the whole operation (a reshard sends thousands of commands). */
export class NodeClients {
  private readonly clients = new Map<number, Promise<Redis>>();

  get(port: number): Promise<Redis> {
    let client = this.clients.get(port);
    if (!client) {
      const created = connectClient(port, { timeoutMs: 10_000 });
      client = created.connect().then(() => created);
      this.clients.set(port, client);
    }
    return client;
  }

  async call(node: { name: string; port: number }, ...args: (string | number)[]): Promise<unknown> {
    try {
      const client = await this.get(node.port);
      return await client.call(String(args[0]), ...args.slice(1).map(String));
    } catch (error) {
      throw new CliError(`${args.slice(0, 3).join(' ')} on ${node.name} failed: ${(error as Error).message}`, { code: 'RESHARD_FAILED', data: { node: node.name } });
    }
  }

  close(): void {
    for (const client of this.clients.values()) void client.then((c) => c.disconnect()).catch(() => {});
    this.clients.clear();
  }
}

export interface MoveOptions {
  /** Keys per GETKEYSINSLOT / MIGRATE round (redis-cli's --cluster-pipeline, default 10). */
  pipeline: number;
  /** MIGRATE's timeout, ms. */
  timeoutMs: number;
}

/** Marks the slot open on both sides (target first, as redis-cli does). */
export async function openSlot(clients: NodeClients, slot: number, source: SlotOwner, target: SlotOwner): Promise<void> {
  await clients.call(target, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id);
  await clients.call(source, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id);
}

/** Moves every key of `slot` from source to target; returns how many moved. */
export async function migrateKeys(clients: NodeClients, slot: number, source: SlotOwner, target: SlotOwner, options: MoveOptions): Promise<number> {
  let moved = 0;
  const auth = passwordFor(target.port);
  for (;;) {
    const keys = (await clients.call(source, 'CLUSTER', 'GETKEYSINSLOT', slot, options.pipeline)) as string[];
    if (keys.length === 0) return moved;
    const args = ['MIGRATE', '127.0.0.1', target.port, '', 0, options.timeoutMs, ...(auth ? ['AUTH', auth] : []), 'KEYS', ...keys];
    try {
      await clients.call(source, ...args);
    } catch (error) {
      const message = (error as Error).message;
      if (/BUSYKEY/.test(message)) {
        throw new CliError(`slot ${slot}: ${target.name} already holds one of the keys being moved (${keys.slice(0, 3).join(', ')}...); nothing was overwritten`, {
          code: 'BUSYKEY',
          suggestion: 'Look at the key on both nodes; `clusterctl reshard --fix` then finishes or closes the move.',
        });
      }
      throw error;
    }
    moved += keys.length;
  }
}

/** Gives the slot to `target` everywhere: the target, the source, then the other masters. */
export async function assignSlot(clients: NodeClients, slot: number, target: SlotOwner, source: SlotOwner | null, others: SlotOwner[]): Promise<void> {
  await clients.call(target, 'CLUSTER', 'SETSLOT', slot, 'NODE', target.id);
  // A source that has just lost its last slot may have learned it from the target's gossip first and
  // turned itself into the target's replica (cluster.c clusterUpdateSlotsConfigWith): it then
  // refuses SETSLOT, which is no error here (redis-cli.c clusterManagerMoveSlot accepts it too).
  if (source) {
    await clients.call(source, 'CLUSTER', 'SETSLOT', slot, 'NODE', target.id).catch((error: Error) => {
      if (!/Please use SETSLOT only with masters/.test(error.message)) throw error;
    });
  }
  // A node that is down learns the new owner from the bus when it comes back (higher config epoch).
  await Promise.all(others.map((node) => clients.call(node, 'CLUSTER', 'SETSLOT', slot, 'NODE', target.id).catch(() => undefined)));
}

/** The whole move of one slot. */
export async function moveSlot(clients: NodeClients, slot: number, source: SlotOwner, target: SlotOwner, others: SlotOwner[], options: MoveOptions): Promise<number> {
  await openSlot(clients, slot, source, target);
  const moved = await migrateKeys(clients, slot, source, target, options);
  await assignSlot(clients, slot, target, source, others);
  return moved;
}

/** Slots in flight for the commands that move a whole shard's worth (add-shard, remove-shard). */
export const SLOTS_IN_FLIGHT = 32;

export interface MoveManyOptions extends MoveOptions {
  /**
   * Slots in flight at once. redis-cli moves one at a time; each slot's steps are independent of
   * every other slot's, and on a loaded machine a move is mostly waiting on round trips, so a few in
   * flight shorten a big move many times over.
   */
  concurrency: number;
  /** Checked before each slot starts: true stops the move (the slots in flight finish first). */
  stopped?: () => boolean;
  onMoved?: (slot: number, keys: number) => void;
}

/** Moves `slots` from source to target; a failure lets the slots in flight finish, then throws. */
export async function moveSlots(clients: NodeClients, slots: number[], source: SlotOwner, target: SlotOwner, others: SlotOwner[], options: MoveManyOptions): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < slots.length && !failed && !options.stopped?.()) {
      const slot = slots[next++]!;
      try {
        options.onMoved?.(slot, await moveSlot(clients, slot, source, target, others, options));
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const outcomes = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(options.concurrency, slots.length)) }, worker));
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) throw failure.reason;
}
