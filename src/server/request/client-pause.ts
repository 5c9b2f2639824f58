// CLIENT PAUSE state (Redis 7.0 pauseClients): normal and pub/sub clients' commands wait (all in
// ALL mode; writes, PUBLISH, EXEC of writes in WRITE mode); replicas and the master link never do.
// The wait itself is the request path's `client-pause` check; the command is in commands/connection.

import type { Client } from '../clients/client.js';
import type { Server } from '../server.js';
import { clock } from '../base/clock.js';
import type { RequestTraits } from './request-path.js';

export interface ClientPauseState {
  /** Absolute end of the pause in ms. */
  until: number;
  /** ALL mode (every command waits) rather than WRITE mode. */
  all: boolean;
  timer: NodeJS.Timeout;
  /** Parked connections to resume when the pause ends. */
  waiters: Set<() => void>;
}

/** Starts or extends a pause: the end is the later of the two, the mode the new one (Redis). */
export function pauseClients(server: Server, until: number, all: boolean): void {
  const current = server.clientPause;
  if (current) clearTimeout(current.timer);
  const end = Math.max(until, current?.until ?? 0);
  const timer = setTimeout(() => unpauseClients(server), Math.max(0, end - clock.now()));
  timer.unref();
  server.clientPause = { until: end, all, timer, waiters: current?.waiters ?? new Set() };
}

/** Ends the pause and lets every parked connection carry on. */
export function unpauseClients(server: Server): void {
  const state = server.clientPause;
  if (!state) return;
  clearTimeout(state.timer);
  server.clientPause = undefined;
  for (const resume of state.waiters) resume();
}

/**
 * True when a request with `traits` from `client` must wait for the pause to end (Redis
 * processCommand: everything in ALL mode, is_may_replicate_command in WRITE mode — for EXEC, its
 * queue decides). A pause whose end has passed is lifted here, before its timer fires.
 */
export function pauseHolds(server: Server, client: Client, traits: RequestTraits): boolean {
  const state = server.clientPause;
  if (!state || client.isMaster || client.isReplica) return false;
  if (clock.now() >= state.until) {
    unpauseClients(server);
    return false;
  }
  return state.all || traits.mayReplicate;
}

/** Parks a connection until the pause ends. */
export function whenUnpaused(server: Server, resume: () => void): void {
  server.clientPause?.waiters.add(resume);
}
