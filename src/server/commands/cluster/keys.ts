// CLUSTER KEYSLOT, COUNTKEYSINSLOT and GETKEYSINSLOT (cluster.c 7.0): the slot of a key, and the
// keys this node holds in a slot (db 0, the only db of cluster mode), with Redis's errors.

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { parseInteger } from '../../base/args.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { ERR_NOT_INTEGER } from '../../base/errors.js';
import { CLUSTER_SLOTS, keySlot } from '../../../shared/key-slot.js';
import { countKeysInSlot, keysInSlot, stateOrError } from './common.js';

function keyslot(ctx: CommandContext, args: string[]): Reply {
  const state = stateOrError(ctx);
  if (state instanceof ErrorReply) return state;
  return keySlot(args[2]!);
}

function countkeysinslot(ctx: CommandContext, args: string[]): Reply {
  const state = stateOrError(ctx);
  if (state instanceof ErrorReply) return state;
  const slot = parseInteger(args[2]!);
  if (slot === null) return ERR_NOT_INTEGER;
  if (slot < 0 || slot >= CLUSTER_SLOTS) return new ErrorReply('ERR Invalid slot');
  return countKeysInSlot(ctx.server, slot);
}

function getkeysinslot(ctx: CommandContext, args: string[]): Reply {
  const state = stateOrError(ctx);
  if (state instanceof ErrorReply) return state;
  const slot = parseInteger(args[2]!);
  if (slot === null) return ERR_NOT_INTEGER;
  const max = parseInteger(args[3]!);
  if (max === null) return ERR_NOT_INTEGER;
  if (slot < 0 || slot >= CLUSTER_SLOTS || max < 0) return new ErrorReply('ERR Invalid slot or number of keys');
  return keysInSlot(ctx.server, slot, max);
}

export const clusterKeyCommands: CommandSpec[] = [
  command('keyslot', 3, ['stale'], keyslot, undefined, { summary: 'Returns the hash slot of the specified key' }),
  command('countkeysinslot', 3, ['stale'], countkeysinslot, undefined, { summary: 'Return the number of local keys in the specified hash slot' }),
  command('getkeysinslot', 4, ['stale'], getkeysinslot, undefined, { summary: 'Return local key names in the specified hash slot' }),
];
