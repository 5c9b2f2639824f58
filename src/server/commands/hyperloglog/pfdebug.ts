// PFDEBUG GETREG | DECODE | ENCODING | TODENSE key and PFSELFTEST (hyperloglog.c): the internal
// commands Redis's own tests use. The key is looked up and checked before the subcommand is read.
// GETREG and TODENSE turn a sparse value dense, which is a write propagated as typed.

import { ErrorReply, OK, SimpleString, type Reply } from '../../../shared/resp/reply.js';
import { command, NO_KEYS, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { hllToDense } from '../../keyspace/hll/hll.js';
import { denseGet, encodingOf, HLL_HDR_SIZE, HLL_REGISTERS, HLL_SPARSE, type HllBytes } from '../../keyspace/hll/layout.js';
import { hllSelfTest } from '../../keyspace/hll/selftest.js';
import { describeSparse } from '../../keyspace/hll/sparse.js';
import { checkHll, ERR_CORRUPT_HLL, toBytes, toValue } from './hll-value.js';

const ERR_NO_KEY = new ErrorReply('ERR The specified key does not exist');
const ERR_NOT_SPARSE = new ErrorReply('ERR HLL encoding is not sparse');

/** Turns a sparse value dense and stores it; false when it is corrupt. Dense values: no change. */
function storeDense(ctx: CommandContext, key: string, hll: HllBytes): boolean | ErrorReply {
  if (encodingOf(hll) !== HLL_SPARSE) return false;
  if (!hllToDense(hll)) return ERR_CORRUPT_HLL;
  ctx.db.set(key, toValue(hll), true);
  return true;
}

function registers(hll: HllBytes): number[] {
  const out: number[] = [];
  for (let i = 0; i < HLL_REGISTERS; i++) out.push(denseGet(hll.bytes, HLL_HDR_SIZE, i));
  return out;
}

function pfdebug(ctx: CommandContext, args: string[]): Reply {
  const subcommand = args[1]!;
  const key = args[2]!;
  const value = ctx.db.lookup(key);
  if (value === undefined) return ERR_NO_KEY;
  const checked = checkHll(value);
  if (checked instanceof ErrorReply) return checked;
  const hll = toBytes(checked);
  switch (subcommand.toLowerCase()) {
    case 'getreg': {
      const converted = storeDense(ctx, key, hll);
      return converted instanceof ErrorReply ? converted : registers(hll);
    }
    case 'decode':
      return encodingOf(hll) === HLL_SPARSE ? describeSparse(hll) : ERR_NOT_SPARSE;
    case 'encoding':
      return new SimpleString(encodingOf(hll) === HLL_SPARSE ? 'sparse' : 'dense');
    case 'todense': {
      const converted = storeDense(ctx, key, hll);
      return converted instanceof ErrorReply ? converted : converted ? 1 : 0;
    }
    default:
      return new ErrorReply(`ERR Unknown PFDEBUG subcommand '${subcommand}'`);
  }
}

/** C's rand(): a non-negative 31-bit integer. */
const rand = (): number => Math.floor(Math.random() * 0x80000000);

function pfselftest(ctx: CommandContext): Reply {
  const failure = hllSelfTest(ctx.server.config.num('hll-sparse-max-bytes'), rand);
  return failure === null ? OK : new ErrorReply(`ERR ${failure}`);
}

export const pfdebugCommands: CommandSpec[] = [
  command('pfdebug', 3, ['write', 'denyoom', 'admin'], pfdebug, { first: 2, last: 2, step: 1 }),
  command('pfselftest', 1, ['admin'], pfselftest, NO_KEYS),
];
