// Reads the commands of an AOF file (or of the tail after an RDB preamble) the way Redis's
// loadSingleAppendOnlyFile does: line by line with a 1024-byte line buffer (fgets), `#` lines are
// annotations (`#TS:` timestamps), `*<argc>` then `$<len>` + payload + two bytes per argument. It
// tells a clean end of file from a torn tail (Redis's readerr/uxeof: aof-load-truncated decides)
// and from a format error (fmterr: always fatal). Pure: a Buffer in, commands and offsets out.

/** Redis AOF_ANNOTATION_LINE_MAX_LEN: fgets reads at most 1023 bytes of a line. */
const LINE_MAX = 1024;

export type ReadOutcome = 'eof' | 'truncated' | 'format';

export class AofCommandReader {
  /** Offset of the next byte to read. */
  pos: number;

  constructor(
    private readonly buf: Buffer,
    start = 0,
  ) {
    this.pos = start;
  }

  /**
   * The next command, or why there is none: 'eof' (clean end), 'truncated' (the file ends inside a
   * command), 'format' (not the AOF format). On a command, `pos` is just past it.
   */
  next(): string[] | ReadOutcome {
    for (;;) {
      const line = this.line();
      if (line === null) return 'eof';
      if (line[0] === 0x23 /* # */) continue;
      if (line[0] !== 0x2a /* * */) return 'format';
      // "*" alone at the end of the file: fgets read only it (Redis: buf[1] == '\0' -> readerr).
      if (line.length === 1) return 'truncated';
      const argc = atoi(line, 1);
      if (argc < 1) return 'format';
      const args: string[] = new Array(argc);
      for (let j = 0; j < argc; j++) {
        const header = this.line();
        if (header === null) return 'truncated';
        if (header[0] !== 0x24 /* $ */) return 'format';
        const len = atoi(header, 1);
        // fread of len bytes and then of the CRLF: a short read is a torn tail. Redis does not
        // check that the two bytes are CRLF, nor does this.
        if (len > 0 && this.pos + len > this.buf.length) return 'truncated';
        const size = Math.max(len, 0);
        args[j] = this.buf.toString('latin1', this.pos, this.pos + size);
        this.pos += size;
        if (this.pos + 2 > this.buf.length) return 'truncated';
        this.pos += 2;
      }
      return args;
    }
  }

  /** fgets: up to and including '\n', at most LINE_MAX - 1 bytes; null at end of file. */
  private line(): Buffer | null {
    if (this.pos >= this.buf.length) return null;
    const limit = Math.min(this.buf.length, this.pos + LINE_MAX - 1);
    let end = this.buf.indexOf(0x0a, this.pos);
    end = end === -1 || end >= limit ? limit : end + 1;
    const line = this.buf.subarray(this.pos, end);
    this.pos = end;
    return line;
  }
}

/** C atoi/strtol on bytes from `from`: optional blanks and sign, then digits (0 when none). */
function atoi(line: Buffer, from: number): number {
  let i = from;
  while (i < line.length && (line[i] === 0x20 || line[i] === 0x09)) i++;
  let sign = 1;
  if (line[i] === 0x2d) {
    sign = -1;
    i++;
  } else if (line[i] === 0x2b) i++;
  let value = 0;
  while (i < line.length && line[i]! >= 0x30 && line[i]! <= 0x39) value = value * 10 + (line[i++]! - 0x30);
  return sign * value;
}
