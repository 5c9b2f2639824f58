// Incremental parser for server replies (the client side of RESP2 and RESP3): socket chunks in,
// whole reply values out. "Need more bytes" is a normal result (undefined), never an exception.
// Values: bulk/simple/verbatim strings -> JS string (latin1: characters are bytes), integers ->
// number, errors -> ErrorReply, nulls -> null, arrays/sets/pushes -> arrays, maps -> flat arrays.

import { ErrorReply } from './reply.js';

export type ParsedReply = string | number | null | ErrorReply | ParsedReply[];

export class ReplyProtocolError extends Error {}

const CR = 13;
const EMPTY = Buffer.alloc(0);

/** Marker for "not enough bytes yet" inside the recursive descent. */
const INCOMPLETE = Symbol('incomplete');
type Step = { value: ParsedReply; next: number } | typeof INCOMPLETE;

export class ReplyParser {
  private buf: Buffer = EMPTY;
  private pos = 0;

  feed(chunk: Buffer): void {
    this.buf = this.pos >= this.buf.length ? chunk : Buffer.concat([this.buf.subarray(this.pos), chunk]);
    this.pos = 0;
  }

  /** The next whole reply, or undefined when more bytes are needed. Throws on malformed input. */
  next(): ParsedReply | undefined {
    if (this.pos >= this.buf.length) return undefined;
    const step = this.parseAt(this.pos);
    if (step === INCOMPLETE) return undefined;
    this.pos = step.next;
    return step.value;
  }

  /** Parses one value starting at `at`; re-parsing from the frame start on more bytes is fine for replies this small. */
  private parseAt(at: number): Step {
    const buf = this.buf;
    if (at >= buf.length) return INCOMPLETE;
    const type = String.fromCharCode(buf[at]!);
    const lineEnd = buf.indexOf('\r\n', at + 1, 'latin1');
    if (lineEnd < 0) return INCOMPLETE;
    const line = buf.toString('latin1', at + 1, lineEnd);
    const afterLine = lineEnd + 2;
    switch (type) {
      case '+':
        return { value: line, next: afterLine };
      case '-':
        return { value: new ErrorReply(line), next: afterLine };
      case ':':
        return { value: Number(line), next: afterLine };
      case '_':
        return { value: null, next: afterLine };
      case ',':
        return { value: line, next: afterLine };
      case '#':
        return { value: line === 't' ? 1 : 0, next: afterLine };
      case '(':
        return { value: line, next: afterLine };
      case '$':
      case '=':
      case '!':
        return this.parseBulk(type, line, afterLine);
      case '*':
      case '~':
      case '>':
      case '%':
      case '|':
        return this.parseAggregate(type, line, afterLine);
      default:
        throw new ReplyProtocolError(`unexpected reply type byte ${JSON.stringify(type)}`);
    }
  }

  private parseBulk(type: string, line: string, start: number): Step {
    const length = parseLength(line);
    if (length < 0) return { value: null, next: start };
    const end = start + length;
    if (end + 2 > this.buf.length) return INCOMPLETE;
    if (this.buf[end] !== CR) throw new ReplyProtocolError('bulk string not terminated by CRLF');
    let text = this.buf.toString('latin1', start, end);
    if (type === '=') text = text.slice(4); // verbatim: drop the "txt:" format prefix
    if (type === '!') return { value: new ErrorReply(text), next: end + 2 };
    return { value: text, next: end + 2 };
  }

  private parseAggregate(type: string, line: string, start: number): Step {
    let count = parseLength(line);
    if (count < 0) return { value: null, next: start };
    if (type === '%' || type === '|') count *= 2;
    const items: ParsedReply[] = [];
    let at = start;
    for (let i = 0; i < count; i++) {
      const step = this.parseAt(at);
      if (step === INCOMPLETE) return INCOMPLETE;
      items.push(step.value);
      at = step.next;
    }
    // An attribute (`|`) annotates the reply that follows it: skip it and return that reply.
    if (type === '|') return this.parseAt(at);
    return { value: items, next: at };
  }
}

function parseLength(line: string): number {
  if (!/^-?\d+$/.test(line)) throw new ReplyProtocolError(`invalid length ${JSON.stringify(line)}`);
  return Number(line);
}
