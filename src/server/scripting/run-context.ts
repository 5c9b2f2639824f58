// What one script invocation carries while it runs (Redis script.c scriptRunCtx): who called it,
// the client its commands run as, its flags, and the state SCRIPT KILL / FUNCTION KILL and the
// BUSY check read. JS is single-threaded and a Lua C function cannot tell which invocation it
// serves, so the invocation being executed is kept here and set around every resume.

import type { Client } from '../clients/client.js';
import type { Server } from '../server.js';

/** redis.set_repl flags (Redis PROPAGATE_AOF / PROPAGATE_REPL). */
export const REPL_AOF = 1;
export const REPL_REPLICA = 2;
export const REPL_ALL = 3;

export interface ScriptRun {
  readonly server: Server;
  /** The client that sent EVAL / FCALL (Redis original_client). */
  readonly caller: Client;
  /** The client the script's commands run as: its own db and RESP version (Redis lua_client). */
  readonly scriptClient: Client;
  /** The script's sha (EVAL) or the function's name (FCALL): error texts and FUNCTION STATS. */
  readonly name: string;
  /** EVAL* (SCRIPT KILL, BUSY wording) as opposed to FCALL* (FUNCTION KILL). */
  readonly evalMode: boolean;
  /** *_RO commands and no-writes scripts refuse write commands (SCRIPT_READ_ONLY). */
  readonly readOnly: boolean;
  /** The command line that started it (FUNCTION STATS). */
  readonly argv: readonly string[];
  /** Monotonic ms at start (busy-reply-threshold, FUNCTION STATS duration_ms). */
  readonly startedAt: number;
  /** redis.set_repl: where the script's writes go. */
  replFlags: number;
  /** The script declared allow-oom (SCRIPT_ALLOW_OOM): denyoom commands run even out of memory. */
  readonly allowOom: boolean;
  /** Cluster mode: keys of several slots allowed (an EVAL without shebang, or allow-cross-slot-keys). */
  readonly allowCrossSlot: boolean;
  /** A write command was called (SCRIPT_WRITE_DIRTY): the script can no longer be killed. */
  wroteDirty: boolean;
  /** SCRIPT KILL / FUNCTION KILL asked it to stop. */
  killed: boolean;
  /** Past busy-reply-threshold: other clients get -BUSY (SCRIPT_TIMEDOUT). */
  timedOut: boolean;
  /** The script may hand the event loop over when it times out (not inside EXEC, nor from a master). */
  readonly mayYield: boolean;
}

let current: ScriptRun | null = null;

/** The invocation whose Lua code is executing, if any. */
export function activeRun(): ScriptRun | null {
  return current;
}

/** Makes `run` the executing invocation; returns the previous one to restore. */
export function enterRun(run: ScriptRun | null): ScriptRun | null {
  const previous = current;
  current = run;
  return previous;
}

/**
 * The invocation each server is running (also while it is suspended past the busy threshold). A
 * Map, not a WeakMap: set and deleted on every script call, it is cheaper, and an entry lives only
 * while its script runs.
 */
const runningByServer = new Map<Server, ScriptRun>();

export function runningScript(server: Server): ScriptRun | undefined {
  return runningByServer.get(server);
}

export function setRunningScript(server: Server, run: ScriptRun | undefined): void {
  if (run) runningByServer.set(server, run);
  else runningByServer.delete(server);
}
