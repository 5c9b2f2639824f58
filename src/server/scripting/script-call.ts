// redis.call / redis.pcall: a command from a script through the request path's lookup and call(),
// with the rules Redis applies to commands inside scripts (script.c scriptCall) instead of the
// client-facing checks: unknown or mis-counted commands, noscript commands, stale replicas,
// ACL permissions of the caller's user, writes from read-only scripts or on a read-only replica,
// a first denyoom command while out of memory. The command runs as the script's own
// client (its db, its RESP version) inside the caller's execution unit, so the script's writes
// reach replicas together, wrapped in MULTI/EXEC when there are two or more.

import { ErrorReply, NO_REPLY, type Reply } from '../../shared/resp/reply.js';
import { scriptCallRefusal } from '../acl/request-check.js';
import { call, resolveCommand } from '../request/dispatch.js';
import { REPL_REPLICA, type ScriptRun } from './run-context.js';
import { scriptOomRefusal } from '../maxmemory/oom-check.js';
import { ERR_OOM } from '../base/errors.js';
import { scriptClusterRefusal } from '../cluster/routing/script-keys.js';

const UNKNOWN = new ErrorReply('ERR Unknown Redis command called from script');
const ARITY = new ErrorReply('ERR Wrong number of args calling Redis command from script');
const NOSCRIPT = new ErrorReply('ERR This Redis command is not allowed from script');
const STALE = new ErrorReply('ERR Can not execute the command on a stale replica');
const RO_SCRIPT = new ErrorReply('ERR Write commands are not allowed from read-only scripts.');
const RO_REPLICA = new ErrorReply("READONLY You can't write against a read only replica.");

/** Runs one command for the script; errors come back as ErrorReply (raised or returned by the caller). */
export function scriptCall(run: ScriptRun, args: string[]): Reply {
  const { server } = run;
  const resolved = resolveCommand(server, args);
  if (resolved instanceof ErrorReply) return resolved.message.startsWith('ERR wrong number') ? ARITY : UNKNOWN;
  const { spec, fullName, traits } = resolved;
  if (spec.flags.includes('noscript')) return NOSCRIPT;
  if (
    server.isReplica &&
    !server.masterLinkUp &&
    !server.config.bool('replica-serve-stale-data') &&
    !spec.flags.includes('stale')
  ) {
    return STALE;
  }
  // The caller's user decides what its script may run (script.c scriptVerifyACL).
  const denied = scriptCallRefusal(server, run.caller, fullName, args);
  if (denied) return denied;
  // Scripts count may_replicate commands as writes (PUBLISH is refused in a read-only script).
  if (run.readOnly && traits.mayReplicate) return RO_SCRIPT;
  if (traits.write && !run.wroteDirty) {
    // Once a script wrote it cannot fail on the node's state: it must run to its end.
    if (server.isReplica && server.config.bool('replica-read-only') && !run.caller.isMaster) return RO_REPLICA;
  }
  // maxmemory: the script's first denyoom command fails if its caller found memory exhausted.
  if (scriptOomRefusal(server, run.caller.isMaster, run.allowOom, run.wroteDirty, spec)) return ERR_OOM;
  // Cluster mode: only keys served here, of one slot unless the script allows more (cluster/routing).
  const nonLocal = scriptClusterRefusal(server, run.caller, spec, fullName, args, run.allowCrossSlot);
  if (nonLocal) return nonLocal;
  if (traits.write) run.wroteDirty = true;
  const reply = call(server, run.scriptClient, spec, fullName, args, (run.replFlags & REPL_REPLICA) !== 0);
  return reply === NO_REPLY ? null : reply;
}
