// ACL CAT / GENPASS / LOG / DRYRUN / LOAD / SAVE (acl.c aclCommand): categories, passwords, the
// refusal log, permission questions without running anything, and the ACL file.

import { DoubleReply, ErrorReply, MapReply, OK, type Reply } from '../../../shared/resp/reply.js';
import { parseInteger } from '../../base/args.js';
import type { CommandContext } from '../../base/command-spec.js';
import { ERR_NOT_INTEGER } from '../../base/errors.js';
import { unknownSubcommandOrArity } from '../../base/help.js';
import { loadAclFile, saveAclFile } from '../../acl/acl-file.js';
import { CATEGORY_NAMES, categoryFlag } from '../../acl/command-table.js';
import { randomHexPassword } from '../../acl/password.js';
import { checkCommand } from '../../acl/permissions.js';

const syntaxError = (args: string[]) => new ErrorReply(unknownSubcommandOrArity('ACL', args[1]!));

/** ACL CAT [category]: the categories, or the commands (and subcommands) in one. */
export function aclCat(ctx: CommandContext, args: string[]): Reply {
  if (args.length === 2) return [...CATEGORY_NAMES];
  if (args.length !== 3) return syntaxError(args);
  const flag = categoryFlag(args[2]!);
  if (!flag) return new ErrorReply(`ERR Unknown category '${args[2]!.slice(0, 128)}'`);
  const names: string[] = [];
  for (const command of ctx.server.acl.table.walk()) if (command.categories & flag) names.push(command.fullName);
  return names;
}

const GENPASS_MAX_BITS = 4096;

/** ACL GENPASS [bits]: 256 random bits by default, as hex. */
export function aclGenpass(_ctx: CommandContext, args: string[]): Reply {
  if (args.length > 3) return syntaxError(args);
  const bits = args.length === 3 ? parseInteger(args[2]!) : 256;
  if (bits === null) return ERR_NOT_INTEGER;
  if (bits <= 0 || bits > GENPASS_MAX_BITS) {
    return new ErrorReply(
      `ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to ${GENPASS_MAX_BITS}`,
    );
  }
  return randomHexPassword(bits);
}

/** ACL LOG [count | RESET]: the newest `count` entries (10 by default), each a map of 7 fields. */
export function aclLog(ctx: CommandContext, args: string[]): Reply {
  if (args.length > 3) return syntaxError(args);
  const log = ctx.server.acl.log;
  let count = 10;
  if (args.length === 3) {
    if (args[2]!.toLowerCase() === 'reset') {
      log.reset();
      return OK;
    }
    const parsed = parseInteger(args[2]!);
    if (parsed === null) return ERR_NOT_INTEGER;
    count = Math.max(0, parsed);
  }
  return log.entries.slice(0, count).map(
    (entry) =>
      new MapReply([
        'count', entry.count,
        'reason', entry.reason,
        'context', entry.context,
        'object', entry.object,
        'username', entry.username,
        'age-seconds', new DoubleReply((ctx.now - entry.time) / 1000),
        'client-info', entry.clientInfo,
      ]),
  );
}

/** ACL DRYRUN <username> <command> [arg ...]: OK, or why the user could not run it. */
export function aclDryrun(ctx: CommandContext, args: string[]): Reply {
  const acl = ctx.server.acl;
  const user = acl.getUser(args[2]!);
  if (!user) return new ErrorReply(`ERR User '${args[2]}' not found`);
  const line = args.slice(3);
  const command = acl.table.lookupArgs(line);
  if (!command) return new ErrorReply(`ERR Command '${args[3]}' not found`);
  const arity = command.meta.arity;
  if ((arity > 0 && arity !== line.length) || line.length < -arity) {
    return new ErrorReply(`ERR wrong number of arguments for '${command.fullName}' command`);
  }
  const refusal = checkCommand(user, command, line);
  if (!refusal) return OK;
  if (refusal.reason === 'command') return `This user has no permissions to run the '${command.fullName}' command`;
  return `This user has no permissions to access the '${line[refusal.pos]}' ${refusal.reason}`;
}

const NO_ACL_FILE = new ErrorReply(
  'ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.',
);

/** ACL LOAD: the aclfile's users replace the table, or nothing changes. */
export function aclLoad(ctx: CommandContext): Reply {
  const file = ctx.server.config.str('aclfile');
  if (file === '') return NO_ACL_FILE;
  const errors = loadAclFile(ctx.server.acl, file);
  return errors === undefined ? OK : new ErrorReply(`ERR ${errors}`);
}

/** ACL SAVE: the table written to the aclfile. */
export function aclSave(ctx: CommandContext): Reply {
  const file = ctx.server.config.str('aclfile');
  if (file === '') return NO_ACL_FILE;
  const failure = saveAclFile(ctx.server.acl, file);
  if (failure === undefined) return OK;
  ctx.server.log.warning(failure);
  return new ErrorReply('ERR There was an error trying to save the ACLs. Please check the server logs for more information');
}
