// The busy-script step of the request path and SCRIPT KILL / FUNCTION KILL (Redis server.c
// processCommand's isInsideYieldingLongCommand() check and script.c scriptKill). While a script
// runs past busy-reply-threshold only allow_busy commands run (SCRIPT KILL, FUNCTION KILL,
// FUNCTION STATS, SHUTDOWN NOSAVE, MULTI/DISCARD/WATCH/UNWATCH, AUTH, HELLO, QUIT, RESET ...);
// every other command gets -BUSY, worded for EVAL or for FCALL.

import { ErrorReply, OK, type Reply } from '../../shared/resp/reply.js';
import type { RequestCheck } from '../request/request-path.js';
import type { Server } from '../server.js';
import { runningScript } from './run-context.js';

export const ERR_BUSY_EVAL = new ErrorReply('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
export const ERR_BUSY_FUNCTION = new ErrorReply('BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.');
const ERR_NOTBUSY = new ErrorReply('NOTBUSY No scripts in execution right now.');
const ERR_UNKILLABLE_MASTER = new ErrorReply(
  'UNKILLABLE The busy script was sent by a master instance in the context of replication and cannot be killed.',
);
const ERR_UNKILLABLE_WROTE = new ErrorReply(
  'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
);

/** The -BUSY error for the script `server` is running. */
export function busyError(server: Server): ErrorReply {
  return runningScript(server)?.evalMode === false ? ERR_BUSY_FUNCTION : ERR_BUSY_EVAL;
}

/** True while a script is past its busy threshold (Redis isInsideYieldingLongCommand). */
export function scriptTimedOut(server: Server): boolean {
  return runningScript(server)?.timedOut === true;
}

/** The `busy-script` check. SHUTDOWN is allow_busy, but only SHUTDOWN NOSAVE may run (db.c). */
export const busyScriptCheck: RequestCheck = ({ server, spec, fullName, args }) => {
  if (!scriptTimedOut(server)) return undefined;
  if (!spec.flags.includes('allow_busy')) return busyError(server);
  if (fullName === 'shutdown' && !args.slice(1).some((a) => a.toLowerCase() === 'nosave')) return busyError(server);
  return undefined;
};

/** SCRIPT KILL (evalKill) / FUNCTION KILL. */
export function killScript(server: Server, evalKill: boolean): Reply {
  const run = runningScript(server);
  if (!run) return ERR_NOTBUSY;
  if (run.caller.isMaster) return ERR_UNKILLABLE_MASTER;
  if (run.wroteDirty) return ERR_UNKILLABLE_WROTE;
  if (evalKill && !run.evalMode) return ERR_BUSY_FUNCTION;
  if (!evalKill && run.evalMode) return ERR_BUSY_EVAL;
  run.killed = true;
  return OK;
}
