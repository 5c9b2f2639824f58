// The HELP reply every container command gives (Redis addReplyHelp): a header, the subcommand lines
// it was given, then "HELP / Prints this help.", all as status lines.

import { SimpleString, type Reply } from '../../shared/resp/reply.js';

export function helpReply(command: string, lines: readonly string[]): Reply {
  return [
    `${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`,
    ...lines,
    'HELP',
    '    Prints this help.',
  ].map((line) => new SimpleString(line));
}

/** Redis's error for a subcommand a handler does not know (DEBUG is not a table container). */
export function unknownSubcommandOrArity(command: string, sub: string): string {
  return `ERR unknown subcommand or wrong number of arguments for '${sub}'. Try ${command} HELP.`;
}
