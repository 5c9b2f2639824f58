// Reply values a command handler returns. Handlers never touch sockets: the connection encodes these
// for the client's protocol (RESP2 or RESP3, chosen by HELLO). A bare JS string is a bulk string whose
// characters are bytes (latin1), a number or bigint is an integer, null is a null bulk string.

export class SimpleString {
  constructor(readonly value: string) {}
}

export class ErrorReply {
  /** `message` carries the Redis prefix, e.g. `ERR syntax error` or `WRONGTYPE ...`. */
  constructor(readonly message: string) {}
}

/** RESP2 `*-1`, RESP3 `_`: what BLPOP's timeout and EXEC after a failed WATCH answer. */
export class NullArrayReply {}
export const NULL_ARRAY = new NullArrayReply();

/** RESP3 map `%`; in RESP2 a flat array of key, value, key, value. */
export class MapReply {
  constructor(readonly flat: Reply[]) {}
}

/** RESP3 set `~`; in RESP2 an ordinary array. */
export class SetReply {
  constructor(readonly items: Reply[]) {}
}

/** RESP3 double `,`; in RESP2 a bulk string formatted as Redis does. */
export class DoubleReply {
  constructor(readonly value: number) {}
}

/** RESP3 boolean `#`; in RESP2 the integer 1 or 0. */
export class BoolReply {
  constructor(readonly value: boolean) {}
}

/** RESP3 verbatim string `=` (INFO, CLIENT LIST); in RESP2 a bulk string. */
export class VerbatimReply {
  constructor(readonly text: string, readonly format = 'txt') {}
}

/** RESP3 push `>` (pub/sub messages); in RESP2 an ordinary array. */
export class PushReply {
  constructor(readonly items: Reply[]) {}
}

/** Bytes already in RESP form, sent unchanged whatever the protocol. */
export class RawReply {
  /**
   * `pushing`: these are pub/sub frames, which Redis sends even under CLIENT REPLY OFF/SKIP
   * (pubsub.c raises CLIENT_PUSHING around them, in RESP2 as in RESP3).
   */
  constructor(
    readonly encoded: string,
    readonly pushing = false,
  ) {}
}

/** A handler result meaning "send nothing now" (REPLCONF ACK, a client that blocked). */
export const NO_REPLY: unique symbol = Symbol('no-reply');
export type NoReply = typeof NO_REPLY;

export type Reply =
  | string
  | number
  | bigint
  | null
  | Reply[]
  | SimpleString
  | ErrorReply
  | NullArrayReply
  | MapReply
  | SetReply
  | DoubleReply
  | BoolReply
  | VerbatimReply
  | PushReply
  | RawReply;

export const OK = new SimpleString('OK');
export const PONG = new SimpleString('PONG');
export const QUEUED = new SimpleString('QUEUED');

export function isError(reply: unknown): reply is ErrorReply {
  return reply instanceof ErrorReply;
}
