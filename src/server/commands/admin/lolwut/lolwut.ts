// LOLWUT [VERSION v] [art arguments] (Redis lolwut.c lolwutCommand): the version picks the art by
// the first characters of "<v>.0.0" — 5 draws Schotter (lolwut5.c), 6 the skyline (lolwut6.c),
// anything else (7.0's own) just names the version. Replies are verbatim text in RESP3.

import { VerbatimReply, type Reply } from '../../../../shared/resp/reply.js';
import { ERR_NOT_INTEGER } from '../../../base/errors.js';
import { is, parseInt64, parseInteger } from '../../../base/args.js';
import { command, type CommandContext, type CommandSpec } from '../../../base/command-spec.js';
import { REDIS_COMPAT_VERSION } from '../../../base/version.js';
import { drawSchotter, renderBraille } from './schotter.js';
import { drawSkyline, renderColors } from './skyline.js';

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** The art's own integer arguments, in order, with their defaults; null: one is not an integer. */
function artArguments(args: string[], defaults: number[]): number[] | null {
  const values = [...defaults];
  for (let i = 0; i < defaults.length && i < args.length; i++) {
    const parsed = parseInteger(args[i]!);
    if (parsed === null) return null;
    values[i] = parsed;
  }
  return values;
}

/** Braille text is UTF-8 on the wire; replies carry bytes as latin1 characters. */
const utf8Bytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

/** lolwut5Command: LOLWUT VERSION 5 [columns] [squares per row] [squares per column]. */
function schotter(args: string[]): Reply {
  const values = artArguments(args, [66, 8, 12]);
  if (!values) return ERR_NOT_INTEGER;
  const [cols, perRow, perCol] = [clamp(values[0]!, 1, 1000), clamp(values[1]!, 1, 200), clamp(values[2]!, 1, 200)];
  const art = renderBraille(drawSchotter(cols, perRow, perCol, Math.random));
  return new VerbatimReply(utf8Bytes(`${art}\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. ${REDIS_COMPAT_VERSION}\n`));
}

/** lolwut6Command: LOLWUT VERSION 6 [columns] [rows]. */
function skyline(args: string[]): Reply {
  const values = artArguments(args, [80, 20]);
  if (!values) return ERR_NOT_INTEGER;
  const art = renderColors(drawSkyline(clamp(values[0]!, 1, 1000), clamp(values[1]!, 1, 1000), Math.random));
  return new VerbatimReply(
    `${art}\nDedicated to the 8 bit game developers of past and present.\n` +
      `Original 8 bit image from Plaguemon by hikikomori. Redis ver. ${REDIS_COMPAT_VERSION}\n`,
  );
}

function lolwut(_ctx: CommandContext, args: string[]): Reply {
  let version = REDIS_COMPAT_VERSION;
  let artArgs: string[] = [];
  if (args.length >= 3 && is(args[1], 'VERSION')) {
    const parsed = parseInt64(args[2]!);
    if (parsed === null) return ERR_NOT_INTEGER;
    // Redis prints the version with %u of an (unsigned int) cast: it wraps modulo 2^32.
    version = `${BigInt.asUintN(32, parsed)}.0.0`;
    artArgs = args.slice(3);
  }
  const [major, dot, minor] = version;
  if ((major === '5' && dot === '.' && minor !== '9') || (major === '4' && dot === '.' && minor === '9')) return schotter(artArgs);
  if ((major === '6' && dot === '.' && minor !== '9') || (major === '5' && dot === '.' && minor === '9')) return skyline(artArgs);
  return new VerbatimReply(`Redis ver. ${REDIS_COMPAT_VERSION}\n`);
}

export const lolwutCommands: CommandSpec[] = [command('lolwut', -1, ['readonly', 'fast'], lolwut)];
