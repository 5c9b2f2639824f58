// ACL SETUSER / GETUSER / DELUSER / LIST / USERS / WHOAMI (acl.c aclCommand): users as the node's
// ACL table (acl/acl.ts) holds them, replies shaped as redis-server 7.0's.

import { ErrorReply, MapReply, OK, SetReply, type Reply } from '../../../shared/resp/reply.js';
import type { CommandContext } from '../../base/command-spec.js';
import { describeChannels, describeCommandRules, describeKeys, describeUser } from '../../acl/describe.js';
import { hasSpaces } from '../../acl/rule-errors.js';
import type { Selector } from '../../acl/selector.js';
import { USER_FLAGS } from '../../acl/user.js';

/** ACL SETUSER <username> [rule ...]: all rules apply, or none. */
export function aclSetuser(ctx: CommandContext, args: string[]): Reply {
  const name = args[2]!;
  if (hasSpaces(name)) return new ErrorReply("ERR Usernames can't contain spaces or null characters");
  const error = ctx.server.acl.setUser(name, args.slice(3));
  return error === undefined ? OK : new ErrorReply(`ERR ${error}`);
}

/** aclAddReplySelectorDescription: commands, keys, channels. */
function selectorFields(selector: Selector): Reply[] {
  return ['commands', describeCommandRules(selector), 'keys', describeKeys(selector), 'channels', describeChannels(selector)];
}

/** ACL GETUSER <username>: flags, passwords, the root selector's fields, then the other selectors. */
export function aclGetuser(ctx: CommandContext, args: string[]): Reply {
  const user = ctx.server.acl.getUser(args[2]!);
  if (!user) return null;
  return new MapReply([
    'flags',
    new SetReply(USER_FLAGS.filter((flag) => user.flags.has(flag))),
    'passwords',
    [...user.passwords],
    ...selectorFields(user.root),
    'selectors',
    user.selectors.slice(1).map((selector) => new MapReply(selectorFields(selector))),
  ]);
}

/** ACL DELUSER <username> ...: the number deleted; `default` anywhere refuses them all. */
export function aclDeluser(ctx: CommandContext, args: string[]): Reply {
  const names = args.slice(2);
  if (names.includes('default')) return new ErrorReply("ERR The 'default' user cannot be removed");
  return ctx.server.acl.deleteUsers(names);
}

/** ACL LIST: every user as a config-file line. */
export function aclList(ctx: CommandContext): Reply {
  return ctx.server.acl.list().map((user) => `user ${user.name} ${describeUser(user)}`);
}

/** ACL USERS: every user's name. */
export function aclUsers(ctx: CommandContext): Reply {
  return ctx.server.acl.list().map((user) => user.name);
}

/** ACL WHOAMI: the connection's user (null for the master link, which has none). */
export function aclWhoami(ctx: CommandContext): Reply {
  return ctx.client.user?.name ?? null;
}
