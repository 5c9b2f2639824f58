// What the SENTINEL subcommands share: Redis's error replies and its integer parsing.

import { ErrorReply } from '../../shared/resp/reply.js';

export const NO_SUCH_MASTER = new ErrorReply('ERR No such master with that name');
export const NOT_INTEGER = new ErrorReply('ERR value is not an integer or out of range');
export const SAVE_FAILED = new ErrorReply('ERR Failed to save config file. Check server logs.');

/** Redis's string2ll for a `long`: an optional '-', digits, no blanks or leading '+'. */
export function parseInteger(text: string): number | null {
  if (!/^-?(0|[1-9]\d{0,18})$/.test(text)) return null;
  const value = BigInt(text);
  if (value > 9223372036854775807n || value < -9223372036854775808n) return null;
  return Number(value);
}
