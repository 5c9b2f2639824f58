// CLIENT PAUSE / UNPAUSE (Redis 7.0 pauseClients): normal and pub/sub clients' commands wait (all in
// ALL mode; writes, PUBLISH, EXEC of writes in WRITE mode); replicas and the master link never do.

import { ErrorReply, OK, type Reply } from '../../shared/resp/reply.js';
import type { Client } from '../clients/client.js';
import { resolveCommand } from './dispatch.js';
import type { Server } from '../server.js';
import { is, parseInteger } from '../base/args.js';
import type { CommandContext } from '../base/command-spec.js';
import { clock } from '../base/clock.js';

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

/** True when `args` from `client` must wait for the pause to end (Redis processCommand). */
export function mustWaitForPause(server: Server, client: Client, args: string[]): boolean {
  const state = server.clientPause;
  if (!state || client.isMaster || client.isReplica) return false;
  if (clock.now() >= state.until) {
    unpauseClients(server);
    return false;
  }
  if (state.all) return true;
  const resolved = resolveCommand(server, args);
  // Unknown commands and arity errors are answered at once, as Redis rejects them before pausing.
  if (resolved instanceof ErrorReply) return false;
  if (mayReplicate(resolved.spec.flags)) return true;
  if (resolved.fullName === 'exec' && client.multi !== null) {
    return client.multi.some((queued) => {
      const entry = resolveCommand(server, queued.args);
      return !(entry instanceof ErrorReply) && mayReplicate(entry.spec.flags);
    });
  }
  return false;
}

function mayReplicate(flags: readonly string[]): boolean {
  return flags.includes('write') || flags.includes('may_replicate');
}

/** Parks a connection until the pause ends. */
export function whenUnpaused(server: Server, resume: () => void): void {
  server.clientPause?.waiters.add(resume);
}

export function clientPause(ctx: CommandContext, args: string[]): Reply {
  const timeout = parseInteger(args[2]!);
  if (timeout === null) return new ErrorReply('ERR timeout is not an integer or out of range');
  if (timeout < 0) return new ErrorReply('ERR timeout is negative');
  let all = true;
  if (args.length === 4) {
    if (is(args[3], 'WRITE')) all = false;
    else if (!is(args[3], 'ALL')) return new ErrorReply('ERR CLIENT PAUSE mode must be WRITE or ALL');
  } else if (args.length > 4) {
    return new ErrorReply('ERR syntax error');
  }
  pauseClients(ctx.server, clock.now() + timeout, all);
  return OK;
}

export function clientUnpause(ctx: CommandContext): Reply {
  unpauseClients(ctx.server);
  return OK;
}
