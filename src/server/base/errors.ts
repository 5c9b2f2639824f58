// One table of the error texts Redis 7.0 sends, so every handler answers with the same words.

import { ErrorReply } from '../../shared/resp/reply.js';

export const ERR_SYNTAX = new ErrorReply('ERR syntax error');
export const ERR_NOT_INTEGER = new ErrorReply('ERR value is not an integer or out of range');
export const ERR_NOT_FLOAT = new ErrorReply('ERR value is not a valid float');
export const ERR_WRONGTYPE = new ErrorReply('WRONGTYPE Operation against a key holding the wrong kind of value');
export const ERR_NO_SUCH_KEY = new ErrorReply('ERR no such key');
export const ERR_INDEX_OUT_OF_RANGE = new ErrorReply('ERR index out of range');
export const ERR_OVERFLOW = new ErrorReply('ERR increment or decrement would overflow');
export const ERR_DB_INDEX = new ErrorReply('ERR DB index is out of range');
export const ERR_TIMEOUT_NEGATIVE = new ErrorReply('ERR timeout is negative');
export const ERR_TIMEOUT_INVALID = new ErrorReply('ERR timeout is not a float or out of range');
export const ERR_NOAUTH = new ErrorReply('NOAUTH Authentication required.');
export const ERR_READONLY = new ErrorReply("READONLY You can't write against a read only replica.");
export const ERR_NOREPLICAS = new ErrorReply('NOREPLICAS Not enough good replicas to write.');
export const ERR_LOADING = new ErrorReply('LOADING Redis is loading the dataset in memory');
/** server.c shared.oomerr: a denyoom command while maxmemory is exceeded and nothing can be evicted. */
export const ERR_OOM = new ErrorReply("OOM command not allowed when used memory > 'maxmemory'.");
export const ERR_MASTERDOWN = new ErrorReply(
  "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
);
export const ERR_EXECABORT = new ErrorReply('EXECABORT Transaction discarded because of previous errors.');
/** t_string.c checkStringLength; also what a bitmap answers past the longest string V8 can hold. */
export const ERR_STRING_TOO_BIG = new ErrorReply('ERR string exceeds maximum allowed size (proto-max-bulk-len)');

export function wrongArity(fullName: string): ErrorReply {
  return new ErrorReply(`ERR wrong number of arguments for '${fullName}' command`);
}

export function unknownCommand(args: string[]): ErrorReply {
  const rest = args
    .slice(1)
    .map((a) => `'${a.slice(0, 128)}' `)
    .join('');
  return new ErrorReply(`ERR unknown command '${args[0]!.slice(0, 128)}', with args beginning with: ${rest}`);
}

export function unknownSubcommand(args: string[]): ErrorReply {
  return new ErrorReply(`ERR unknown subcommand '${args[1]!.slice(0, 128)}'. Try ${args[0]!.toUpperCase()} HELP.`);
}
