// Arguments of the multi-key pops (LMPOP/BLMPOP, ZMPOP/BZMPOP): `numkeys key [key ...] <side>
// [COUNT count]`, with Redis 7.0's checks and error texts (t_list.c / t_zset.c mpop parsing).

import { ErrorReply } from '../../shared/resp/reply.js';
import { is, parseInteger } from './args.js';
import { ERR_SYNTAX } from './errors.js';

const ERR_NUMKEYS = new ErrorReply('ERR numkeys should be greater than 0');
const ERR_COUNT = new ErrorReply('ERR count should be greater than 0');

export interface MpopArgs<Side> {
  keys: string[];
  side: Side;
  count: number;
}

/** Parses from args[at]; `parseSide` reads LEFT|RIGHT or MIN|MAX (null = syntax error). */
export function parseMpop<Side>(args: string[], at: number, parseSide: (word: string) => Side | null): MpopArgs<Side> | ErrorReply {
  const numkeys = parseInteger(args[at]!);
  if (numkeys === null || numkeys < 1) return ERR_NUMKEYS;
  const sideAt = at + numkeys + 1;
  if (sideAt >= args.length) return ERR_SYNTAX;
  const side = parseSide(args[sideAt]!);
  if (side === null) return ERR_SYNTAX;
  let count = -1;
  for (let i = sideAt + 1; i < args.length; i++) {
    if (count === -1 && is(args[i], 'COUNT') && i + 1 < args.length) {
      const parsed = parseInteger(args[++i]!);
      if (parsed === null || parsed < 1) return ERR_COUNT;
      count = parsed;
    } else {
      return ERR_SYNTAX;
    }
  }
  return { keys: args.slice(at + 1, sideAt), side, count: count === -1 ? 1 : count };
}
