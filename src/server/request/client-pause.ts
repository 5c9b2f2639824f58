// Client pauses (Redis 7.0 pauseClients, networking.c): normal and pub/sub clients' commands wait
// (all in ALL mode; writes, PUBLISH, EXEC of writes in WRITE mode); replicas and the master link
// never do. A pause has a purpose (CLIENT PAUSE, a cluster manual failover, FAILOVER): each purpose
// is started and lifted on its own, and what clients see is the most restrictive mode among them
// until the furthest end of that mode (updateClientPauseTypeAndEndTime). The wait itself is the
// request path's `client-pause` check; CLIENT PAUSE is in commands/connection.

import type { Client } from '../clients/client.js';
import type { Server } from '../server.js';
import { clock } from '../base/clock.js';
import type { RequestTraits } from './request-path.js';

/** Why clients are paused (Redis pause_purpose). */
export type PausePurpose = 'client' | 'cluster-failover' | 'failover';

interface PauseEvent {
  until: number;
  all: boolean;
}

export interface ClientPauseState {
  /** Absolute end of the pause in ms (Infinity: until lifted). */
  until: number;
  /** ALL mode (every command waits) rather than WRITE mode. */
  all: boolean;
  timer: NodeJS.Timeout | undefined;
  /** Parked connections to resume when the pause ends or eases. */
  waiters: Set<() => void>;
  purposes: Map<PausePurpose, PauseEvent>;
}

/** setTimeout's longest delay; a later end re-arms the timer when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Starts or extends a pause for `purpose`: its end is the later of the two, its mode the new one.
 * `until` may be Infinity (FAILOVER pauses until it ends).
 */
export function pauseClients(server: Server, until: number, all: boolean, purpose: PausePurpose = 'client'): void {
  const current = server.clientPause;
  const purposes = current?.purposes ?? new Map<PausePurpose, PauseEvent>();
  const previous = purposes.get(purpose);
  purposes.set(purpose, { until: Math.max(until, previous?.until ?? 0), all });
  settle(server, purposes, current?.waiters ?? new Set());
}

/** Lifts the pause of `purpose`; clients carry on if no other purpose still holds them. */
export function unpauseClients(server: Server, purpose: PausePurpose = 'client'): void {
  const state = server.clientPause;
  if (!state || !state.purposes.delete(purpose)) return;
  settle(server, state.purposes, state.waiters);
}

/** True while a pause of this purpose is in force. */
export function isPausedFor(server: Server, purpose: PausePurpose): boolean {
  return server.clientPause?.purposes.has(purpose) ?? false;
}

/**
 * Recomputes the pause clients see from its purposes, dropping the expired ones. Parked
 * connections are resumed when it ends or eases from ALL to WRITE: they run their command again
 * and park again if it still has to wait (Redis unblockPostponedClients).
 */
function settle(server: Server, purposes: Map<PausePurpose, PauseEvent>, waiters: Set<() => void>): void {
  const previous = server.clientPause;
  if (previous?.timer) clearTimeout(previous.timer);
  const now = clock.now();
  for (const [purpose, event] of purposes) if (event.until <= now) purposes.delete(purpose);
  if (purposes.size === 0) {
    server.clientPause = undefined;
    resumeAll(waiters);
    return;
  }
  const all = [...purposes.values()].some((event) => event.all);
  let until = 0;
  for (const event of purposes.values()) if (event.all === all && event.until > until) until = event.until;
  let timer: NodeJS.Timeout | undefined;
  // The next expiry of any purpose changes what clients see.
  const next = Math.min(...[...purposes.values()].map((event) => event.until));
  if (Number.isFinite(next)) {
    timer = setTimeout(() => {
      const state = server.clientPause;
      if (state) settle(server, state.purposes, state.waiters);
    }, Math.min(MAX_TIMER_MS, Math.max(0, next - now)));
    timer.unref();
  }
  server.clientPause = { until, all, timer, waiters, purposes };
  if (previous?.all && !all) resumeAll(waiters);
}

function resumeAll(waiters: Set<() => void>): void {
  const parked = [...waiters];
  waiters.clear();
  for (const resume of parked) resume();
}

/**
 * True when a request with `traits` from `client` must wait for the pause to end (Redis
 * processCommand: everything in ALL mode, is_may_replicate_command in WRITE mode — for EXEC, its
 * queue decides). A pause whose end has passed is lifted here, before its timer fires.
 */
export function pauseHolds(server: Server, client: Client, traits: RequestTraits): boolean {
  let state = server.clientPause;
  if (!state || client.isMaster || client.isReplica) return false;
  if (clock.now() >= state.until) {
    settle(server, state.purposes, state.waiters);
    state = server.clientPause;
    if (!state) return false;
  }
  return state.all || traits.mayReplicate;
}

/** Parks a connection until the pause ends. */
export function whenUnpaused(server: Server, resume: () => void): void {
  server.clientPause?.waiters.add(resume);
}
