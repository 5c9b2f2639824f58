// Where ACL permissions are enforced, with Redis 7.0's words: the request path's `acl` check
// (server.c processCommand, also at MULTI queueing time), the second check of every queued command
// at EXEC (multi.c execCommand), and what scripts and SORT ask (script.c scriptVerifyACL,
// redis.acl_check_cmd, sort.c's BY/GET rule). Each refusal is written to the ACL log.

import { ErrorReply } from '../../shared/resp/reply.js';
import type { Client } from '../clients/client.js';
import type { RequestCheck } from '../request/request-path.js';
import type { Server } from '../server.js';
import type { LogContext } from './acl-log.js';
import type { AclCommand } from './command-table.js';
import { allowsWithEveryKey, checkCommand, type Denial, type Refusal } from './permissions.js';
import { KEY_READ } from './selector.js';

/** What the log records as refused: the command's full name, or the key or channel argument. */
function refusedObject(refusal: Refusal, command: AclCommand, args: readonly string[]): string {
  return refusal.reason === 'command' ? command.fullName : args[refusal.pos]!;
}

/**
 * Checks a command line for a client's user and logs a refusal; undefined when allowed. A command
 * the ACL table does not know is refused unless the user may run everything.
 */
function refusalFor(server: Server, client: Client, fullName: string, args: readonly string[], context: LogContext): { refusal: Refusal; command: AclCommand | undefined } | undefined {
  const user = client.user;
  if (user === null || user.fullAccess) return undefined;
  const command = server.acl.table.get(fullName);
  const refusal = command ? checkCommand(user, command, args) : { reason: 'command' as const, pos: 0 };
  if (!refusal) return undefined;
  const object = command ? refusedObject(refusal, command, args) : fullName;
  server.acl.logRefusal(client, refusal.reason, context, object);
  return { refusal, command };
}

const NOPERM_KEYS = new ErrorReply('NOPERM this user has no permissions to access one of the keys used as arguments');
const NOPERM_CHANNELS = new ErrorReply('NOPERM this user has no permissions to access one of the channels used as arguments');

/** The request path's `acl` slot (processCommand's ACLCheckAllPerm). */
export const aclCheck: RequestCheck = ({ server, client, fullName, args }) => {
  const found = refusalFor(server, client, fullName, args, client.multi !== null ? 'multi' : 'toplevel');
  if (!found) return undefined;
  if (found.refusal.reason === 'key') return NOPERM_KEYS;
  if (found.refusal.reason === 'channel') return NOPERM_CHANNELS;
  return new ErrorReply(`NOPERM this user has no permissions to run the '${fullName}' command`);
};

const EXEC_REASONS: Record<Denial, string> = {
  command: 'no permission to execute the command or subcommand',
  key: 'no permission to touch the specified keys',
  channel: 'no permission to access one of the channels used as arguments',
};

/**
 * EXEC checks each queued command again, as the user's rules may have changed since it was queued:
 * a refused one answers this error in EXEC's reply and does not run.
 */
export function execRefusal(server: Server, client: Client, fullName: string, args: readonly string[]): ErrorReply | undefined {
  const found = refusalFor(server, client, fullName, args, 'multi');
  if (!found) return undefined;
  // An error reply like any other: counted in INFO errorstats (addReplyErrorFormat).
  server.stats.recordError('NOPERM');
  return new ErrorReply(
    'NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. ' +
      `This command is no longer allowed for the following reason: ${EXEC_REASONS[found.refusal.reason]}`,
  );
}

const SCRIPT_REASONS: Record<Denial, string> = {
  command: "can't run this command or subcommand",
  key: "can't access at least one of the keys mentioned in the command arguments",
  channel: "can't publish to the channel mentioned in the command",
};

/**
 * redis.call / redis.pcall from a script run by `caller`: the caller's user decides, the log
 * context is `lua` and records the caller's client line.
 */
export function scriptCallRefusal(server: Server, caller: Client, fullName: string, args: readonly string[]): ErrorReply | undefined {
  const found = refusalFor(server, caller, fullName, args, 'lua');
  if (!found) return undefined;
  return new ErrorReply(`ERR The user executing the script ${SCRIPT_REASONS[found.refusal.reason]}`);
}

/** redis.acl_check_cmd: whether the caller's user may run the line; undefined for an unknown command. */
export function scriptAclAllows(server: Server, caller: Client, args: readonly string[]): boolean | undefined {
  const command = server.acl.table.lookupArgs(args);
  if (!command) return undefined;
  return checkCommand(caller.user, command, args) === undefined;
}

/** SORT's BY and GET patterns need read access to every key (sort.c user_has_full_key_access). */
export function sortMayUsePatterns(server: Server, client: Client, fullName: string, args: readonly string[]): boolean {
  const command = server.acl.table.get(fullName);
  return command !== undefined && allowsWithEveryKey(client.user, command, args, KEY_READ);
}
