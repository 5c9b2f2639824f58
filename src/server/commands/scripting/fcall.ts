// FCALL and FCALL_RO (Redis functions.c fcallCommandGeneric): the function by name, numkeys, then
// the run with KEYS and ARGV as the callback's two arguments (scripting/invoke.ts).

import { ErrorReply, type NoReply, type Reply } from '../../../shared/resp/reply.js';
import type { CommandContext, CommandFlag } from '../../base/command-spec.js';
import type { Server } from '../../server.js';
import { currentLibraries, functionVm } from '../../scripting/functions.js';
import { invokeScript } from '../../scripting/invoke.js';
import { commandFlagsFor } from '../../scripting/shebang.js';
import { splitKeys } from './eval.js';

const ERR_NOT_FOUND = new ErrorReply('ERR Function not found');
const ERR_BAD_NUMKEYS = new ErrorReply('ERR Bad number of keys provided');

function fcallGeneric(ctx: CommandContext, args: string[], ro: boolean): Reply | NoReply {
  const fn = currentLibraries(ctx.server).functions.get(args[1]!);
  if (!fn) return ERR_NOT_FOUND;
  const split = splitKeys(args, ERR_BAD_NUMKEYS);
  if (split instanceof ErrorReply) return split;
  const target = { vm: functionVm(ctx.server), ref: fn.ref, name: fn.name, evalMode: false, compat: false, flags: fn.flags };
  return invokeScript(ctx, args, target, split.keys, split.argv, ro);
}

/** The function's declared flags decide what the request path checks (Redis fcallGetCommandFlags). */
export function fcallFlagsFor(base: readonly CommandFlag[]) {
  return (server: Server, args: string[]): readonly CommandFlag[] | undefined => {
    const fn = args.length > 1 ? currentLibraries(server).functions.get(args[1]!) : undefined;
    return fn ? commandFlagsFor(base, fn.flags) : undefined;
  };
}

export const fcallCommand = (ctx: CommandContext, args: string[]) => fcallGeneric(ctx, args, false);
export const fcallRoCommand = (ctx: CommandContext, args: string[]) => fcallGeneric(ctx, args, true);
