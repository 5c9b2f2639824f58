// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO (Redis eval.c evalGenericCommand): numkeys, the script cache
// (EVAL compiles and caches, EVALSHA only looks up), then the run (scripting/invoke.ts).

import { ErrorReply, type NoReply, type Reply } from '../../../shared/resp/reply.js';
import { parseInteger } from '../../base/args.js';
import type { CommandContext, CommandFlag } from '../../base/command-spec.js';
import { ERR_NOT_INTEGER } from '../../base/errors.js';
import type { Server } from '../../server.js';
import { cachedScript, evalVm, loadScript, sha1hex } from '../../scripting/eval-scripts.js';
import { invokeScript } from '../../scripting/invoke.js';
import { commandFlagsFor, evalShebang } from '../../scripting/shebang.js';

export const ERR_NOSCRIPT = new ErrorReply('NOSCRIPT No matching script. Please use EVAL.');

export interface KeysAndArgs {
  keys: string[];
  argv: string[];
}

/** numkeys at args[2]: KEYS and ARGV, or Redis's error (`notInteger` differs between EVAL and FCALL). */
export function splitKeys(args: string[], notInteger: ErrorReply): KeysAndArgs | ErrorReply {
  const numkeys = parseInteger(args[2]!);
  if (numkeys === null) return notInteger;
  if (numkeys > args.length - 3) return new ErrorReply("ERR Number of keys can't be greater than number of args");
  if (numkeys < 0) return new ErrorReply("ERR Number of keys can't be negative");
  return { keys: args.slice(3, 3 + numkeys), argv: args.slice(3 + numkeys) };
}

/** The last EVAL body hashed: a client repeating one EVAL pays for one sha1, not two per call. */
let lastBody = '';
let lastSha = '';

function shaOf(body: string): string {
  if (body !== lastBody) {
    lastSha = sha1hex(body);
    lastBody = body;
  }
  return lastSha;
}

function evalGeneric(ctx: CommandContext, args: string[], evalsha: boolean, ro: boolean): Reply | NoReply {
  const { server } = ctx;
  if (evalsha && args[1]!.length !== 40) return ERR_NOSCRIPT;
  const split = splitKeys(args, ERR_NOT_INTEGER);
  if (split instanceof ErrorReply) return split;
  const script = evalsha ? cachedScript(server, args[1]!) : (cachedScript(server, shaOf(args[1]!)) ?? loadScript(server, args[1]!));
  if (script === undefined) return ERR_NOSCRIPT;
  if (script instanceof ErrorReply) return script;
  const target = {
    vm: evalVm(server),
    ref: script.ref,
    name: script.sha,
    evalMode: true,
    compat: script.shebang.compat,
    flags: script.shebang.flags,
  };
  return invokeScript(ctx, args, target, split.keys, split.argv, ro);
}

/**
 * The flags the request path checks (Redis evalGetCommandFlags): those the script declared in its
 * shebang, when it has one and is known or parseable; else the command's own.
 */
export function evalFlagsFor(base: readonly CommandFlag[], evalsha: boolean) {
  return (server: Server, args: string[]): readonly CommandFlag[] | undefined => {
    if (args.length < 2 || (evalsha && args[1]!.length !== 40)) return undefined;
    const body = args[1]!;
    const cached = cachedScript(server, evalsha ? body : shaOf(body));
    const shebang = cached ? cached.shebang : evalsha ? undefined : evalShebang(body);
    if (shebang === undefined || typeof shebang === 'string' || shebang.compat) return undefined;
    return commandFlagsFor(base, shebang.flags);
  };
}

export const evalCommand = (ctx: CommandContext, args: string[]) => evalGeneric(ctx, args, false, false);
export const evalRoCommand = (ctx: CommandContext, args: string[]) => evalGeneric(ctx, args, false, true);
export const evalShaCommand = (ctx: CommandContext, args: string[]) => evalGeneric(ctx, args, true, false);
export const evalShaRoCommand = (ctx: CommandContext, args: string[]) => evalGeneric(ctx, args, true, true);
