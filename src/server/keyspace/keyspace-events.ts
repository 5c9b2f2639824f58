// Keyspace notifications (Redis notify.c): a write publishes `__keyspace@<db>__:<key>` with the event
// name and `__keyevent@<db>__:<event>` with the key, through the node's own pub/sub, when the
// `notify-keyspace-events` classes select it. Like Redis's pubsubPublishMessage(..., 0), they reach
// this node's subscribers only: not the cluster bus, not the replication stream (replicas produce
// their own as they apply the master's commands).
//
// The parsed classes live on PubSub (`keyspaceEvents`), re-parsed when the directive changes, so a
// write with notifications off costs one integer test.

import type { Config } from '../config/config.js';
import type { PubSub } from '../clients/pubsub.js';

/** The event classes, Redis server.h NOTIFY_* (same bits). */
export const NOTIFY_KEYSPACE = 1 << 0; // K
export const NOTIFY_KEYEVENT = 1 << 1; // E
export const NOTIFY_GENERIC = 1 << 2; // g
export const NOTIFY_STRING = 1 << 3; // $
export const NOTIFY_LIST = 1 << 4; // l
export const NOTIFY_SET = 1 << 5; // s
export const NOTIFY_HASH = 1 << 6; // h
export const NOTIFY_ZSET = 1 << 7; // z
export const NOTIFY_EXPIRED = 1 << 8; // x
export const NOTIFY_EVICTED = 1 << 9; // e
export const NOTIFY_STREAM = 1 << 10; // t
export const NOTIFY_KEY_MISS = 1 << 11; // m, left out of A on purpose (as in Redis)
export const NOTIFY_MODULE = 1 << 13; // d
export const NOTIFY_NEW = 1 << 14; // n, left out of A (Redis 7.0)
const NOTIFY_ALL =
  NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET |
  NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE;

const CLASS_OF_CHAR: Record<string, number> = {
  A: NOTIFY_ALL, g: NOTIFY_GENERIC, $: NOTIFY_STRING, l: NOTIFY_LIST, s: NOTIFY_SET, h: NOTIFY_HASH,
  z: NOTIFY_ZSET, x: NOTIFY_EXPIRED, e: NOTIFY_EVICTED, K: NOTIFY_KEYSPACE, E: NOTIFY_KEYEVENT,
  t: NOTIFY_STREAM, m: NOTIFY_KEY_MISS, d: NOTIFY_MODULE, n: NOTIFY_NEW,
};

/** The classes a `notify-keyspace-events` string names, or -1 for an unknown character (keyspaceEventsStringToFlags). */
export function keyspaceEventsStringToFlags(classes: string): number {
  let flags = 0;
  for (const c of classes) {
    const bit = Object.hasOwn(CLASS_OF_CHAR, c) ? CLASS_OF_CHAR[c]! : undefined;
    if (bit === undefined) return -1;
    flags |= bit;
  }
  return flags;
}

/** Redis's canonical spelling of the classes (keyspaceEventsFlagsToString): what CONFIG GET shows. */
export function keyspaceEventsFlagsToString(flags: number): string {
  let text = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) {
    text += 'A';
  } else {
    const order: [number, string][] = [
      [NOTIFY_GENERIC, 'g'], [NOTIFY_STRING, '$'], [NOTIFY_LIST, 'l'], [NOTIFY_SET, 's'],
      [NOTIFY_HASH, 'h'], [NOTIFY_ZSET, 'z'], [NOTIFY_EXPIRED, 'x'], [NOTIFY_EVICTED, 'e'],
      [NOTIFY_STREAM, 't'], [NOTIFY_MODULE, 'd'], [NOTIFY_NEW, 'n'],
    ];
    for (const [bit, c] of order) if (flags & bit) text += c;
  }
  if (flags & NOTIFY_KEYSPACE) text += 'K';
  if (flags & NOTIFY_KEYEVENT) text += 'E';
  if (flags & NOTIFY_KEY_MISS) text += 'm';
  return text;
}

/** The directive's check (config.c setConfigNotifyKeyspaceEventsOption's error). */
export function checkKeyspaceEventsString(value: string): string | undefined {
  return keyspaceEventsStringToFlags(value) === -1 ? "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." : undefined;
}

/**
 * The directive as CONFIG GET / REWRITE print it. Like Redis, which prints its flags, this drops `n`
 * next to A (`KEAn` shows as `AKE`) while the classes in force keep it.
 */
export function normalizeKeyspaceEventsString(value: string): string {
  return keyspaceEventsFlagsToString(keyspaceEventsStringToFlags(value));
}

/** Keeps `pubsub.keyspaceEvents` equal to the directive's classes (at start and on CONFIG SET). */
export function installKeyspaceEvents(config: Config, pubsub: PubSub): void {
  pubsub.keyspaceEvents = keyspaceEventsStringToFlags(config.str('notify-keyspace-events'));
  config.onChange('notify-keyspace-events', (value) => {
    pubsub.keyspaceEvents = keyspaceEventsStringToFlags(value as string);
  });
}

/** What a notification needs: the node's pub/sub (Server and the keyspace hooks both have it). */
export interface NotifyTarget {
  readonly pubsub: PubSub;
}

/**
 * Publishes one event for `key` in database `dbId` when its class is on (Redis notifyKeyspaceEvent):
 * first the keyspace channel, then the keyevent channel, each only if K / E is set.
 */
export function notifyKeyspaceEvent(target: NotifyTarget, type: number, event: string, key: string, dbId: number): void {
  const pubsub = target.pubsub;
  const flags = pubsub.keyspaceEvents;
  if ((flags & type) === 0) return;
  if (flags & NOTIFY_KEYSPACE) pubsub.publish(`__keyspace@${dbId}__:${key}`, event);
  if (flags & NOTIFY_KEYEVENT) pubsub.publish(`__keyevent@${dbId}__:${event}`, key);
}

/** A command's notification for a key of its selected database (handlers: `notifyKey(ctx, ...)`). */
export function notifyKey(ctx: { readonly server: NotifyTarget; readonly db: { readonly id: number } }, type: number, event: string, key: string): void {
  if ((ctx.server.pubsub.keyspaceEvents & type) === 0) return;
  notifyKeyspaceEvent(ctx.server, type, event, key, ctx.db.id);
}
