// Incremental parser for client requests: RESP multibulk arrays and inline commands, fed socket
// chunks, yielding whole commands. "Need more bytes" is a normal result (null), never an exception.
// Limits and error texts follow Redis 7.0 networking.c (processMultibulkBuffer/processInlineBuffer).

/** Longest inline request or count line Redis accepts without a newline (PROTO_INLINE_MAX_SIZE). */
export const INLINE_MAX_SIZE = 64 * 1024;

export interface ParserLimits {
  /** `proto-max-bulk-len`: largest bulk string argument. */
  maxBulkLength: number;
  /** Largest multibulk count (Redis: INT_MAX; 10 before AUTH when a password is set). */
  maxMultibulkLength: number;
}

export const DEFAULT_LIMITS: ParserLimits = {
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
const EMPTY = Buffer.alloc(0);

export class RequestParser {
  private buf: Buffer = EMPTY;
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
  /** Byte length of the last command returned (the replication stream counts offsets in bytes). */
  lastFrameBytes = 0;

  constructor(public limits: ParserLimits = DEFAULT_LIMITS) {}

  feed(chunk: Buffer): void {
    if (this.needBytes > 0) {
      this.waiting.push(chunk);
      this.waitingBytes += chunk.length;
      if (this.waitingBytes < this.needBytes) return;
      chunk = Buffer.concat(this.waiting, this.waitingBytes);
      this.waiting = [];
      this.waitingBytes = 0;
      this.needBytes = 0;
    }
    if (this.frameStart >= 0) {
      // The consumed part of a frame in progress leaves the buffer but still counts in its length.
      this.frameBytesBefore += this.pos - this.frameStart;
      this.frameStart = 0;
    }
    this.buf = this.pos >= this.buf.length ? chunk : Buffer.concat([this.buf.subarray(this.pos), chunk]);
    this.pos = 0;
  }

  /** Bytes received but not yet returned as a command (for the query-buffer limit and INFO). */
  get bufferedBytes(): number {
    return this.buf.length - this.pos + this.waitingBytes;
  }

  /** Whether a frame is partially read (used to tell a clean EOF from a truncated request). */
  get midFrame(): boolean {
    return this.frameStart >= 0 || this.pos < this.buf.length || this.waitingBytes > 0;
  }

  /**
   * Returns the next whole command, or null when more bytes are needed.
   * Throws ProtocolError on malformed input; the connection must then reply and close.
   */
  next(): string[] | null {
    for (;;) {
      if (this.frameStart < 0) {
        if (this.pos >= this.buf.length) return null;
        const first = this.buf[this.pos];
        if (first !== 42 /* '*' */) {
          const inline = this.parseInline();
          if (inline === null) return null;
          if (inline.length === 0) continue; // empty line: Redis ignores it (replica keepalive newline)
          return inline;
        }
        const count = this.readCountLine(this.pos + 1, 'mbulk');
        if (count === null) return null;
        const [value, after] = count;
        if (value > this.limits.maxMultibulkLength) throw new ProtocolError(this.multibulkLimitText());
        if (value <= 0) {
          // `*0` and `*-1` are skipped as no-ops, as Redis does.
          this.pos = after;
          continue;
        }
        this.frameStart = this.pos;
        this.frameBytesBefore = 0;
        this.pos = after;
        this.remainingArgs = value;
        this.args = [];
        this.bulkLength = -1;
      }
      const done = this.continueMultibulk();
      if (!done) return null;
      const args = this.args;
      this.lastFrameBytes = this.frameBytesBefore + (this.pos - this.frameStart);
      this.args = [];
      this.frameStart = -1;
      this.frameBytesBefore = 0;
      return args;
    }
  }

  private multibulkLimitText(): string {
    return this.limits.maxMultibulkLength <= 10 ? 'unauthenticated multibulk length' : 'invalid multibulk length';
  }

  private continueMultibulk(): boolean {
    const buf = this.buf;
    while (this.remainingArgs > 0) {
      if (this.bulkLength < 0) {
        if (this.pos >= buf.length) return false;
        if (buf[this.pos] !== 36 /* '$' */) {
          throw new ProtocolError(`expected '$', got '${String.fromCharCode(buf[this.pos]!)}'`);
        }
        const count = this.readCountLine(this.pos + 1, 'bulk');
        if (count === null) return false;
        const [value, after] = count;
        if (value < 0 || value > this.limits.maxBulkLength) {
          throw new ProtocolError(
            this.limits.maxMultibulkLength <= 10 ? 'unauthenticated bulk length' : 'invalid bulk length',
          );
        }
        this.bulkLength = value;
        this.pos = after;
      }
      const end = this.pos + this.bulkLength;
      if (end + 2 > buf.length) {
        // Wait for the whole argument; big values are gathered without re-concatenating per chunk.
        const missing = end + 2 - buf.length;
        if (missing > 64 * 1024) this.needBytes = missing;
        return false;
      }
      this.args.push(buf.toString('latin1', this.pos, end));
      this.pos = end + 2;
      this.bulkLength = -1;
      this.remainingArgs--;
    }
    return true;
  }

  /** Reads `<digits>\r\n` starting at `start`; returns [value, position after LF] or null. */
  private readCountLine(start: number, kind: 'mbulk' | 'bulk'): [number, number] | null {
    const buf = this.buf;
    const newline = buf.indexOf(LF, start);
    if (newline < 0) {
      if (buf.length - start > INLINE_MAX_SIZE) throw new ProtocolError(`too big ${kind} count string`);
      return null;
    }
    const lineEnd = newline > start && buf[newline - 1] === CR ? newline - 1 : newline;
    if (newline - start > INLINE_MAX_SIZE) throw new ProtocolError(`too big ${kind} count string`);
    let value = 0;
    let negative = false;
    let i = start;
    if (buf[i] === 45 /* '-' */) {
      negative = true;
      i++;
    }
    if (i >= lineEnd) throw new ProtocolError(kind === 'mbulk' ? 'invalid multibulk length' : 'invalid bulk length');
    for (; i < lineEnd; i++) {
      const digit = buf[i]! - 48;
      if (digit < 0 || digit > 9 || value > 1e15) {
        throw new ProtocolError(kind === 'mbulk' ? 'invalid multibulk length' : 'invalid bulk length');
      }
      value = value * 10 + digit;
    }
    return [negative ? -value : value, newline + 1];
  }

  /** Inline command: one line, arguments split on blanks, quotes as in redis-cli (sdssplitargs). */
  private parseInline(): string[] | null {
    const buf = this.buf;
    const newline = buf.indexOf(LF, this.pos);
    if (newline < 0) {
      if (buf.length - this.pos > INLINE_MAX_SIZE) throw new ProtocolError('too big inline request');
      return null;
    }
    const start = this.pos;
    const lineEnd = newline > start && buf[newline - 1] === CR ? newline - 1 : newline;
    this.lastFrameBytes = newline + 1 - start;
    this.pos = newline + 1;
    const args = splitArgs(buf.toString('latin1', start, lineEnd));
    if (args === null) throw new ProtocolError('unbalanced quotes in request');
    return args;
  }
}

/**
 * Splits a line into arguments like Redis's sdssplitargs: blanks separate, "double quotes" allow
 * \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes' allow \'. Returns null on unbalanced quotes.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && isBlank(line.charCodeAt(i))) i++;
    if (i >= n) break;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      if (inDouble) {
        if (i >= n) return null;
        const c = line[i]!;
        if (c === '\\' && i + 3 < n && line[i + 1] === 'x' && isHex(line[i + 2]!) && isHex(line[i + 3]!)) {
          current += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
          continue;
        }
        if (c === '\\' && i + 1 < n) {
          const e = line[i + 1]!;
          current += ESCAPES[e] ?? e;
          i += 2;
          continue;
        }
        if (c === '"') {
          if (i + 1 < n && !isBlank(line.charCodeAt(i + 1))) return null;
          i++;
          break;
        }
        current += c;
        i++;
      } else if (inSingle) {
        if (i >= n) return null;
        const c = line[i]!;
        if (c === '\\' && line[i + 1] === "'") {
          current += "'";
          i += 2;
          continue;
        }
        if (c === "'") {
          if (i + 1 < n && !isBlank(line.charCodeAt(i + 1))) return null;
          i++;
          break;
        }
        current += c;
        i++;
      } else {
        if (i >= n || isBlank(line.charCodeAt(i))) break;
        const c = line[i]!;
        if (c === '"') inDouble = true;
        else if (c === "'") inSingle = true;
        else current += c;
        i++;
      }
    }
    out.push(current);
  }
  return out;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

function isBlank(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 11 || code === 12 || code === 0;
}

function isHex(c: string): boolean {
  return /^[0-9a-fA-F]$/.test(c);
}
