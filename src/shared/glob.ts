// Glob matching, a port of Redis 7.0's stringmatchlen (util.c), for KEYS, SCAN MATCH, PSUBSCRIBE,
// PUBSUB CHANNELS, CONFIG GET, COMMAND LIST and SENTINEL RESET. Strings are byte strings (one char
// per byte, latin1), and Redis's quirks are kept on purpose, since clients observe them:
// - an empty string matches no pattern, not even `*` (KEYS and SCAN special-case a lone `*`);
// - `[` without its `]` is a class running to the end of the pattern (`[^` matches any one byte);
// - `a-]` in a class is a range ending at `]`, which then does not close the class;
// - ranges compare C `char`s, which are signed on x86-64 (bytes >= 0x80 sort before NUL);
// - nocase folds ASCII only, and never the `\`-escaped character of a class.

const STAR = 0x2a; // *
const QUESTION = 0x3f; // ?
const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const CARET = 0x5e; // ^
const DASH = 0x2d; // -
const BACKSLASH = 0x5c; // \

/** True when `text` matches the glob `pattern` exactly as Redis's stringmatchlen decides. */
export function globMatch(pattern: string, text: string, nocase = false): boolean {
  return new Matcher(pattern, text, nocase).match(0, 0);
}

class Matcher {
  /**
   * Set once the rest of the pattern after some `*` matched at no position: an earlier `*` taking
   * more characters cannot help then, so every caller gives up (Redis's skipLongerMatches, which
   * keeps patterns like `a*a*a*a*b` from taking exponential time).
   */
  private skipLongerMatches = false;

  constructor(
    private readonly p: string,
    private readonly s: string,
    private readonly nocase: boolean,
  ) {}

  match(pi: number, si: number): boolean {
    const { p, s } = this;
    while (pi < p.length && si < s.length) {
      const c = p.charCodeAt(pi);
      if (c === STAR) return this.star(pi, si);
      if (c === QUESTION) {
        si++;
      } else if (c === OPEN) {
        const end = this.classEnd(pi + 1, si);
        if (end < 0) return false;
        pi = end;
        si++;
      } else {
        if (c === BACKSLASH && p.length - pi >= 2) pi++;
        if (!this.same(p.charCodeAt(pi), s.charCodeAt(si))) return false;
        si++;
      }
      pi++;
      if (si === s.length) {
        while (p.charCodeAt(pi) === STAR) pi++;
        break;
      }
    }
    return pi === p.length && si === s.length;
  }

  /** `*` at p[pi], with text left: try the rest of the pattern at every remaining position. */
  private star(pi: number, si: number): boolean {
    const p = this.p;
    while (p.charCodeAt(pi + 1) === STAR) pi++;
    if (pi + 1 === p.length) return true;
    for (; si < this.s.length; si++) {
      if (this.match(pi + 1, si)) return true;
      if (this.skipLongerMatches) return false;
    }
    this.skipLongerMatches = true;
    return false;
  }

  /**
   * The class opening after p[pi - 1] = '[', tested against s[si]: the index of its last pattern
   * character (the `]`, or the pattern's last character when unterminated), or -1 on no match.
   */
  private classEnd(pi: number, si: number): number {
    const { p, s, nocase } = this;
    const ch = s.charCodeAt(si);
    const negate = p.charCodeAt(pi) === CARET;
    if (negate) pi++;
    let matched = false;
    for (;; pi++) {
      const left = p.length - pi;
      const c = p.charCodeAt(pi);
      if (c === BACKSLASH && left >= 2) {
        pi++;
        // The escaped character is compared as is, even under nocase (as Redis does).
        if (p.charCodeAt(pi) === ch) matched = true;
      } else if (c === CLOSE) {
        break;
      } else if (left === 0) {
        pi--;
        break;
      } else if (left >= 3 && p.charCodeAt(pi + 1) === DASH) {
        let start = signedChar(c);
        let end = signedChar(p.charCodeAt(pi + 2));
        let code = signedChar(ch);
        if (start > end) [start, end] = [end, start];
        if (nocase) [start, end, code] = [lower(start), lower(end), lower(code)];
        pi += 2;
        if (code >= start && code <= end) matched = true;
      } else if (this.same(c, ch)) {
        matched = true;
      }
    }
    return matched !== negate ? pi : -1;
  }

  private same(a: number, b: number): boolean {
    return a === b || (this.nocase && lower(a) === lower(b));
  }
}

/** C's `char` on x86-64: bytes 0x80-0xff are negative. */
function signedChar(code: number): number {
  return code >= 0x80 && code <= 0xff ? code - 0x100 : code;
}

/** C's tolower in the "C" locale Redis runs in: ASCII letters only. */
function lower(code: number): number {
  return code >= 0x41 && code <= 0x5a ? code + 0x20 : code;
}
