// String commands. SEED: GET and plain SET only; the strings owner completes the family.

import { OK, type Reply } from '../../shared/resp/reply.js';
import { ERR_WRONGTYPE } from './errors.js';
import { command, KEY1, type CommandContext, type CommandSpec } from './types.js';

function get(ctx: CommandContext, args: string[]): Reply {
  const value = ctx.db.lookup(args[1]!);
  if (value === undefined) return null;
  if (typeof value !== 'string') return ERR_WRONGTYPE;
  return value;
}

function set(ctx: CommandContext, args: string[]): Reply {
  ctx.db.set(args[1]!, args[2]!);
  return OK;
}

export const stringCommands: CommandSpec[] = [
  command('get', 2, ['readonly', 'fast'], get, KEY1),
  command('set', -3, ['write', 'denyoom'], set, KEY1),
];
