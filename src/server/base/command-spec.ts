// The shape of a command: its table entry (name, arity, flags, key positions — what COMMAND INFO
// reports and what a sharded mode will route by) and its handler, which works on the keyspace
// through a CommandContext and returns a reply value. Handlers never see sockets.

import type { NoReply, Reply } from '../../shared/resp/reply.js';
import type { Db } from '../keyspace/db.js';
import type { Client } from '../clients/client.js';
import type { Server } from '../server.js';

/** Redis command flags (COMMAND INFO spelling) that the dispatcher acts on. */
export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'no_multi'
  | 'allow_busy'
  /** EVAL / FCALL may be called with no keys at all. */
  | 'no_mandatory_keys'
  /** Keys found by parsing (numkeys): the key triple is 0 0 0, as COMMAND INFO shows in Redis. */
  | 'movablekeys'
  /** Served in a slot being imported without a prior ASKING (RESTORE-ASKING, cluster routing). */
  | 'asking';

export type Handler = (ctx: CommandContext, args: string[]) => Reply | NoReply;

export interface CommandSpec {
  /** Lowercase name; subcommands are listed under their container (`config|get`). */
  name: string;
  /** Redis arity: N means exactly N arguments including the name, -N means at least N. */
  arity: number;
  flags: readonly CommandFlag[];
  /** 1-based position of the first key, 0 if none; lastKey -1 means the last argument. */
  firstKey: number;
  lastKey: number;
  step: number;
  /** COMMAND DOCS summary, shown by redis-cli hints. */
  summary?: string;
  /** Container commands (CONFIG, CLIENT, OBJECT, ...) dispatch on args[1] through these. */
  subcommands?: CommandSpec[];
  /**
   * The flags the request path checks for this request, when they depend on it (Redis
   * getCommandFlags: EVAL and FCALL take them from the script's declared flags). Undefined: `flags`.
   */
  flagsFor?: (server: Server, args: string[]) => readonly CommandFlag[] | undefined;
  handler: Handler;
}

/** What a blocked client waits for (BLPOP and friends), served in FIFO order per key. */
export interface BlockRequest {
  keys: string[];
  /** Absolute deadline in ms, 0 = forever. */
  deadline: number;
  /**
   * Tries to serve the client now; returns the reply, or undefined to keep waiting. `readyKey` is
   * the key that gained elements: Redis 7.0 serves a client from that key, not its first non-empty one.
   */
  retry(ctx: CommandContext, readyKey?: string): Reply | undefined;
  /** Reply on timeout (a null array for every list and sorted-set command, BLMOVE included). */
  timeoutReply: Reply;
  /** Reply when the client may not block (inside MULTI); defaults to timeoutReply (BLMOVE: null bulk). */
  deniedReply?: Reply;
}

/** Everything a handler may use. One context per command execution. */
export interface CommandContext {
  readonly server: Server;
  readonly client: Client;
  /** The client's selected database. */
  readonly db: Db;
  /** Time of this command in ms (Redis caches it per command: `mstime()` at call start). */
  readonly now: number;
  /** Propagate these commands to replicas instead of the one received (protocol doc 2.6 rewrites). */
  propagateAs(...commands: string[][]): void;
  /** Propagate nothing for this command even though it changed data. */
  suppressPropagation(): void;
  /**
   * Parks the client until a key is ready or the deadline passes; return its result from the handler.
   * A command inside MULTI/EXEC (or any nested call) cannot block: this answers the timeout reply
   * at once, as Redis does for clients flagged CLIENT_DENY_BLOCKING.
   */
  block(request: BlockRequest): Reply | NoReply;
}

/** Builds a table entry with the usual defaults (no keys). */
export function command(
  name: string,
  arity: number,
  flags: readonly CommandFlag[],
  handler: Handler,
  keys: { first: number; last: number; step: number } = { first: 0, last: 0, step: 0 },
  extra: Partial<Pick<CommandSpec, 'summary' | 'subcommands' | 'flagsFor'>> = {},
): CommandSpec {
  return { name, arity, flags, firstKey: keys.first, lastKey: keys.last, step: keys.step, handler, ...extra };
}

/** Key position shorthands. */
export const KEY1 = { first: 1, last: 1, step: 1 } as const;
export const ALL_KEYS = { first: 1, last: -1, step: 1 } as const;
export const KEY_PAIRS = { first: 1, last: -1, step: 2 } as const;
export const NO_KEYS = { first: 0, last: 0, step: 0 } as const;
