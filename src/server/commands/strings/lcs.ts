// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN] (Redis 7.0 t_string.c lcsCommand): the
// longest common subsequence of two strings by the classic dynamic-programming table, walked back
// from the end to rebuild the subsequence and its matching ranges, which are therefore listed last
// to first. Missing keys read as empty strings. The table is Redis's size check too: more than
// proto-max-bulk-len bytes of uint32 cells is refused.

import { ErrorReply, MapReply, type Reply } from '../../../shared/resp/reply.js';
import { is, parseInteger } from '../../base/args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../../base/errors.js';
import { readKey } from '../../base/read-key.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';

const ERR_NOT_STRINGS = new ErrorReply('ERR The specified keys must contain string values');
const ERR_LEN_AND_IDX = new ErrorReply('ERR If you want both the length and indexes, please just use IDX.');
const ERR_TABLE_TOO_BIG = new ErrorReply('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
const ERR_TABLE_ALLOC = new ErrorReply('ERR Insufficient memory, failed allocating transient memory for LCS');

interface LcsOptions {
  len: boolean;
  idx: boolean;
  withMatchLen: boolean;
  minMatchLen: number;
}

function parseOptions(args: string[]): LcsOptions | ErrorReply {
  const opts: LcsOptions = { len: false, idx: false, withMatchLen: false, minMatchLen: 0 };
  for (let j = 3; j < args.length; j++) {
    const word = args[j]!;
    if (is(word, 'IDX')) opts.idx = true;
    else if (is(word, 'LEN')) opts.len = true;
    else if (is(word, 'WITHMATCHLEN')) opts.withMatchLen = true;
    else if (is(word, 'MINMATCHLEN') && j < args.length - 1) {
      const n = parseInteger(args[++j]!);
      if (n === null) return ERR_NOT_INTEGER;
      opts.minMatchLen = Math.max(n, 0);
    } else return ERR_SYNTAX;
  }
  return opts.len && opts.idx ? ERR_LEN_AND_IDX : opts;
}

/** LCS(i, j) for every prefix pair, row-major with rows of b.length + 1 cells. */
function buildTable(a: string, b: string): Uint32Array {
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = 1; i <= a.length; i++) {
    const ca = a.charCodeAt(i - 1);
    const row = i * width;
    const above = row - width;
    for (let j = 1; j <= b.length; j++) {
      if (ca === b.charCodeAt(j - 1)) table[row + j] = table[above + j - 1]! + 1;
      else table[row + j] = Math.max(table[above + j]!, table[row + j - 1]!);
    }
  }
  return table;
}

/**
 * Walks back from the end: the subsequence (filled from its last byte) and, for IDX, the ranges of
 * contiguous matches, emitted when a run breaks or reaches the start of either string.
 */
function walk(a: string, b: string, table: Uint32Array, opts: LcsOptions): { text: string; matches: Reply[] } {
  const width = b.length + 1;
  const chars: string[] = [];
  const matches: Reply[] = [];
  let [aStart, aEnd, bStart, bEnd] = [a.length, 0, 0, 0];
  const open = () => aStart !== a.length;
  let i = a.length;
  let j = b.length;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars.push(a[i - 1]!);
      if (!open()) [aStart, aEnd, bStart, bEnd] = [i - 1, i - 1, j - 1, j - 1];
      else if (aStart === i && bStart === j) [aStart, bStart] = [aStart - 1, bStart - 1];
      else emit = true;
      if (aStart === 0 || bStart === 0) emit = true;
      i--;
      j--;
    } else {
      if (table[(i - 1) * width + j]! > table[i * width + j - 1]!) i--;
      else j--;
      if (open()) emit = true;
    }
    if (!emit) continue;
    const length = aEnd - aStart + 1;
    if (opts.minMatchLen === 0 || length >= opts.minMatchLen) {
      matches.push([[aStart, aEnd], [bStart, bEnd], ...(opts.withMatchLen ? [length] : [])]);
    }
    aStart = a.length;
  }
  return { text: chars.reverse().join(''), matches };
}

function lcs(ctx: CommandContext, args: string[]): Reply {
  const va = readKey(ctx, args[1]!);
  const vb = readKey(ctx, args[2]!);
  if ((va !== undefined && typeof va !== 'string') || (vb !== undefined && typeof vb !== 'string')) return ERR_NOT_STRINGS;
  const a = (va as string | undefined) ?? '';
  const b = (vb as string | undefined) ?? '';
  const opts = parseOptions(args);
  if (opts instanceof ErrorReply) return opts;
  const cells = (a.length + 1) * (b.length + 1);
  if (cells * 4 > ctx.server.config.num('proto-max-bulk-len')) return ERR_TABLE_TOO_BIG;
  let table: Uint32Array;
  try {
    table = buildTable(a, b);
  } catch {
    return ERR_TABLE_ALLOC;
  }
  const length = table[cells - 1]!;
  if (opts.len) return length;
  const { text, matches } = walk(a, b, table, opts);
  return opts.idx ? new MapReply(['matches', matches, 'len', length]) : text;
}

export const lcsCommands: CommandSpec[] = [command('lcs', -3, ['readonly'], lcs, { first: 1, last: 2, step: 1 })];
