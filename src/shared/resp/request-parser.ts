// Incremental parser for client requests: RESP multibulk arrays and inline commands, fed socket
// chunks, yielding whole commands. "Need more bytes" is a normal result (null), never an exception.
// Framing, limits and error texts follow Redis 7.0 networking.c (processMultibulkBuffer,
// processInlineBuffer), checked byte for byte against a real redis-server.

import { constants } from 'node:buffer';
import { latin1 } from './latin1.js';
import { splitArgs } from './split-args.js';

export { splitArgs };

/** Longest inline request or count line Redis accepts without a newline (PROTO_INLINE_MAX_SIZE). */
export const INLINE_MAX_SIZE = 64 * 1024;
/** Before AUTH, Redis refuses more than 10 arguments and arguments over 16384 bytes (authRequired). */
const UNAUTH_MAX_MULTIBULK = 10;
const UNAUTH_MAX_BULK = 16384;
/** Arguments become JS strings; V8 cannot make one longer than this (a little under 512MB). */
const MAX_ARG_LENGTH = constants.MAX_STRING_LENGTH;
/** A missing tail above this is gathered chunk by chunk and joined once (Redis PROTO_MBULK_BIG_ARG). */
const BIG_ARG = 32 * 1024;

export interface ParserLimits {
  /** `proto-max-bulk-len`: largest bulk string argument. */
  maxBulkLength: number;
  /** Largest multibulk count (Redis: INT_MAX). */
  maxMultibulkLength: number;
}

export const DEFAULT_LIMITS: Readonly<ParserLimits> = {
  maxBulkLength: 512 * 1024 * 1024,
  maxMultibulkLength: 2147483647,
};

export class ProtocolError extends Error {
  constructor(message: string) {
    super(`Protocol error: ${message}`);
  }
}

const CR = 13;
const LF = 10;
const STAR = 42;
const DOLLAR = 36;
const EMPTY = Buffer.alloc(0);

export class RequestParser {
  /** This parser's own copy: the connection updates it when CONFIG SET changes a limit. */
  readonly limits: ParserLimits;
  /** Set while the client has not authenticated: the tighter pre-AUTH limits apply. */
  authRequired = false;
  /** Byte length of the last command returned (the replication stream counts offsets in bytes). */
  lastFrameBytes = 0;
  private buf: Buffer = EMPTY;
  /** Whether buf is the caller's (see feed). */
  private borrowed = false;
  private pos = 0;
  /** Chunks held while a large bulk argument is still arriving, joined once it is complete. */
  private waiting: Buffer[] = [];
  private waitingBytes = 0;
  private needBytes = 0;
  // Resumable multibulk state: a frame split over many chunks is not re-parsed from its start.
  private frameStart = -1;
  private frameBytesBefore = 0;
  private remainingArgs = 0;
  private bulkLength = -1;
  private args: string[] = [];
  private argCount = 0;
  /** Where the line read by readCountLine ends (after its CR and the byte after it). */
  private lineNext = 0;

  constructor(limits: Readonly<ParserLimits> = DEFAULT_LIMITS) {
    this.limits = { ...limits };
  }

  /**
   * Adds received bytes. `borrowed` bytes belong to the caller and are reused once it returns to
   * the event loop: the caller must then call keepUnread(), which copies what is still needed.
   */
  feed(chunk: Buffer, borrowed = false): void {
    if (this.needBytes > 0) {
      this.waiting.push(borrowed ? Buffer.from(chunk) : chunk);
      this.waitingBytes += chunk.length;
      if (this.waitingBytes < this.needBytes) return;
    }
    if (this.frameStart >= 0) {
      // The consumed part of a frame in progress leaves the buffer but still counts in its length.
      this.frameBytesBefore += this.pos - this.frameStart;
      this.frameStart = 0;
    }
    const rest = this.buf.length - this.pos;
    if (this.needBytes > 0) {
      // One copy for the whole big argument, however many chunks it came in.
      this.waiting.unshift(this.buf.subarray(this.pos));
      this.buf = Buffer.concat(this.waiting, rest + this.waitingBytes);
      this.waiting = [];
      this.waitingBytes = 0;
      this.needBytes = 0;
      this.borrowed = false;
    } else if (rest === 0) {
      this.buf = chunk;
      this.borrowed = borrowed;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk], rest + chunk.length);
      this.borrowed = false;
    }
    this.pos = 0;
  }

  /** The buffer last fed as borrowed is about to be reused: keep a copy of its unread bytes. */
  keepUnread(): void {
    if (!this.borrowed) return;
    this.borrowed = false;
    if (this.frameStart >= 0) {
      this.frameBytesBefore += this.pos - this.frameStart;
      this.frameStart = 0;
    }
    this.buf = this.pos < this.buf.length ? Buffer.from(this.buf.subarray(this.pos)) : EMPTY;
    this.pos = 0;
  }

  /** Bytes received but not parsed yet (Redis's qbuf: the query-buffer limit and CLIENT LIST read it). */
  get bufferedBytes(): number {
    return this.buf.length - this.pos + this.waitingBytes;
  }

  /** Whether a frame is partially read (used to tell a clean EOF from a truncated request). */
  get midFrame(): boolean {
    return this.frameStart >= 0 || this.pos < this.buf.length || this.waitingBytes > 0;
  }

  /**
   * Returns the next whole command, or null when more bytes are needed. Empty inline lines and
   * `*0` / negative counts are skipped, as Redis does.
   * Throws ProtocolError on malformed input; the connection must then reply and close.
   */
  next(): string[] | null {
    for (;;) {
      if (this.frameStart < 0) {
        if (this.pos >= this.buf.length || this.needBytes > 0) return null;
        if (this.buf[this.pos] !== STAR) {
          const inline = this.parseInline();
          if (inline === null) return null;
          if (inline.length === 0) continue; // empty line: Redis ignores it (replica keepalive newline)
          return inline;
        }
        const start = this.pos;
        const count = this.readCountLine('mbulk');
        if (count === undefined) return null;
        if (count > this.limits.maxMultibulkLength) throw new ProtocolError('invalid multibulk length');
        if (count > UNAUTH_MAX_MULTIBULK && this.authRequired) throw new ProtocolError('unauthenticated multibulk length');
        this.pos = this.lineNext;
        if (count <= 0) continue; // `*0` and `*-1` are no-ops
        this.frameStart = start;
        this.frameBytesBefore = 0;
        this.remainingArgs = count;
        // Sized up front for ordinary commands; absurd counts grow only as arguments arrive.
        this.args = count <= 64 ? new Array<string>(count) : [];
        this.argCount = 0;
        this.bulkLength = -1;
      }
      if (!this.continueMultibulk()) return null;
      const args = this.args;
      this.lastFrameBytes = this.frameBytesBefore + (this.pos - this.frameStart);
      this.args = [];
      this.frameStart = -1;
      this.frameBytesBefore = 0;
      return args;
    }
  }

  private continueMultibulk(): boolean {
    const buf = this.buf;
    while (this.remainingArgs > 0) {
      if (this.bulkLength < 0) {
        const length = this.readCountLine('bulk');
        if (length === undefined) return false;
        this.bulkLength = length;
        this.pos = this.lineNext;
      }
      const end = this.pos + this.bulkLength;
      if (end + 2 > buf.length) {
        // Wait for the whole argument; big values are gathered without re-concatenating per chunk.
        const missing = end + 2 - buf.length;
        if (missing > BIG_ARG) this.needBytes = missing;
        return false;
      }
      this.args[this.argCount++] = latin1(buf, this.pos, end);
      // Redis skips the two bytes after the data without checking that they are CRLF.
      this.pos = end + 2;
      this.bulkLength = -1;
      this.remainingArgs--;
    }
    return true;
  }

  /**
   * Reads a `*<count>\r` or `$<length>\r` line at `pos` as Redis does: the line ends at the first
   * CR (a NUL byte first hides it, as strchr does), the byte after the CR is skipped unchecked,
   * and the number follows string2ll. Returns the value (position after the line in lineNext),
   * or undefined when more bytes are needed. Throws ProtocolError.
   */
  private readCountLine(kind: 'mbulk' | 'bulk'): number | undefined {
    const value = this.scanShortCount(kind);
    return value !== undefined ? this.checkCount(kind, value) : this.readCountLineSlowly(kind);
  }

  /**
   * The common case in one pass over the bytes, no native calls: the right prefix, 1 to 15 digits
   * (no leading zero), a CR and a byte after it. Anything else goes the general way.
   */
  private scanShortCount(kind: 'mbulk' | 'bulk'): number | undefined {
    const buf = this.buf;
    const start = this.pos;
    if (kind === 'bulk' && buf[start] !== DOLLAR) return undefined;
    let i = start + 1;
    const negative = buf[i] === 45; /* '-' */
    if (negative) i++;
    const first = i;
    let value = 0;
    for (let digit = buf[i]! - 48; digit >= 0 && digit <= 9 && i - first < 15; digit = buf[++i]! - 48) {
      value = value * 10 + digit;
    }
    const digits = i - first;
    if (digits === 0 || buf[i] !== CR || i + 1 >= buf.length) return undefined;
    if (buf[first] === 48 /* '0' */ && (digits > 1 || negative)) return undefined;
    this.lineNext = i + 2;
    return negative ? -value : value;
  }

  private checkCount(kind: 'mbulk' | 'bulk', value: number): number {
    if (kind === 'bulk') {
      if (value < 0 || value > this.limits.maxBulkLength) throw new ProtocolError('invalid bulk length');
      if (value > UNAUTH_MAX_BULK && this.authRequired) throw new ProtocolError('unauthenticated bulk length');
      // Deviation: Redis takes up to proto-max-bulk-len (512MB) but a JS string stops just short.
      if (value > MAX_ARG_LENGTH) throw new ProtocolError('invalid bulk length');
    }
    return value;
  }

  private readCountLineSlowly(kind: 'mbulk' | 'bulk'): number | undefined {
    const buf = this.buf;
    const start = this.pos;
    const cr = buf.indexOf(CR, start);
    if (cr < 0 || cr + 2 > buf.length) return this.lineNotFound(kind, cr < 0);
    if (kind === 'bulk' && buf[start] !== DOLLAR) {
      if (hasNulBefore(buf, start, cr)) return this.lineNotFound(kind, true);
      throw new ProtocolError(`expected '$', got '${String.fromCharCode(buf[start]!)}'`);
    }
    const value = parseCount(buf, start + 1, cr);
    if (value === undefined) {
      if (hasNulBefore(buf, start, cr)) return this.lineNotFound(kind, true);
      throw new ProtocolError(kind === 'mbulk' ? 'invalid multibulk length' : 'invalid bulk length');
    }
    this.lineNext = cr + 2;
    return this.checkCount(kind, value);
  }

  /** No usable line end yet: wait, unless 64KB arrived without one (Redis's too-big checks). */
  private lineNotFound(kind: 'mbulk' | 'bulk', noLineEnd: boolean): undefined {
    if (noLineEnd && this.buf.length - this.pos > INLINE_MAX_SIZE) {
      throw new ProtocolError(`too big ${kind} count string`);
    }
    return undefined;
  }

  /** Inline command: one line, arguments split on blanks, quotes as in redis-cli (sdssplitargs). */
  private parseInline(): string[] | null {
    const buf = this.buf;
    const start = this.pos;
    let newline = buf.indexOf(LF, start);
    // Redis finds the line end with strchr: a NUL byte before it hides the newline for good.
    if (newline >= 0 && hasNulBefore(buf, start, newline)) newline = -1;
    if (newline < 0) {
      if (buf.length - start > INLINE_MAX_SIZE) throw new ProtocolError('too big inline request');
      return null;
    }
    const lineEnd = newline > start && buf[newline - 1] === CR ? newline - 1 : newline;
    const args = splitArgs(buf.toString('latin1', start, lineEnd));
    if (args === null) throw new ProtocolError('unbalanced quotes in request');
    this.lastFrameBytes = newline + 1 - start;
    this.pos = newline + 1;
    return args;
  }
}

function hasNulBefore(buf: Buffer, start: number, end: number): boolean {
  const nul = buf.indexOf(0, start);
  return nul >= 0 && nul < end;
}

/**
 * Redis string2ll over buf[start, end): optional '-', no leading zeros or '+', no blanks, within
 * a signed 64-bit range. Returns undefined when it is not such a number.
 */
function parseCount(buf: Buffer, start: number, end: number): number | undefined {
  const length = end - start;
  if (length === 1 && buf[start] === 48 /* '0' */) return 0;
  let i = start;
  const negative = buf[i] === 45; /* '-' */
  if (negative) i++;
  const digits = end - i;
  if (digits <= 0 || digits > 19) return undefined;
  const first = buf[i]! - 48;
  if (first < 1 || first > 9) return undefined;
  let value = first;
  for (i++; i < end; i++) {
    const digit = buf[i]! - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  // 19 digits may overflow a long long; compare exactly (doubles round there).
  if (digits === 19) {
    const text = buf.toString('latin1', end - 19, end);
    if (text > (negative ? '9223372036854775808' : '9223372036854775807')) return undefined;
  }
  return negative ? -value : value;
}
