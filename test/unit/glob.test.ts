// The one glob matcher (shared/glob.ts), checked against redis-server 7.0.15's stringmatchlen:
// every answer below is what real Redis gave (KEYS for case-sensitive matches, CONFIG GET for
// nocase ones). The groups marked "differed" are where the server's old copy (base/args.ts) or
// the sentinel's (sentinel/core/glob.ts) answered otherwise before they were merged.

import { describe, expect, it } from 'vitest';
import { globMatch } from '../../src/shared/glob.js';
import { nameMatches } from '../../src/shared/faults/spec.js';

/** A pattern, the texts Redis matches with it, and those it does not. */
type Row = [pattern: string, matches: string[], misses: string[]];

function check(rows: Row[], nocase = false): void {
  for (const [pattern, matches, misses] of rows) {
    for (const text of matches) expect(globMatch(pattern, text, nocase), `${pattern} ~ ${text}`).toBe(true);
    for (const text of misses) expect(globMatch(pattern, text, nocase), `${pattern} !~ ${text}`).toBe(false);
  }
}

describe('globMatch', () => {
  it('the basics: * ? [^..] [a-b] reversed ranges, escapes', () => {
    check([
      ['*', ['x'], []],
      ['h?llo', ['hello'], ['hllo']],
      ['h[^e]llo', ['hallo'], ['hello']],
      ['h[a-b]llo', ['hbllo'], ['hcllo']],
      ['[z-a]', ['m'], []],
      ['a\\*b', ['a*b'], ['axb']],
      ['\\', ['\\'], []],
      ['[\\]]', [']'], []],
      ['', [''], []],
      ['[', [], ['[']],
      ['x[', [], ['x[']],
    ]);
  });

  it('differed: an empty string matches nothing, not even * (both old copies said it did)', () => {
    // KEYS ** leaves out the key ""; PSUBSCRIBE * gets nothing from PUBLISH "".
    check([['**', [], ['']], ['*', [], ['']], ['?*', [], ['']]]);
  });

  it('differed: an unterminated class runs to the end of the pattern (sentinel dropped its last char)', () => {
    check([['[abc', ['c'], ['d']], ['[^', ['x'], []]]);
    // `\?` in it is an escaped `?`: `\` is not a member (the sentinel's copy said it was).
    check([['[\\?', ['?'], ['\\']]]);
  });

  it('differed: `a-]` is a range from a to ] (0x5d..0x61), and that ] does not close the class', () => {
    check([['[a-]', [']', '^', 'a'], ['-']]]);
  });

  it('differed: ranges compare signed chars, as on x86-64 (0x80 is -128)', () => {
    check([['[a-\x80]', ['\xe9', 'A'], ['z']], ['[\x80-\xff]', ['\xe9'], ['a']]]);
  });

  it('differed: nocase folds range ends after the swap, never an escaped class char, ASCII only', () => {
    check(
      [
        ['[\\M]axmemory', [], ['maxmemory']],
        ['[L-M]axmemory', ['maxmemory'], []],
        ['m[A-A]xmemory', ['maxmemory'], []],
        ['[Z-a]axmemory', [], ['maxmemory']],
        ['[m-Z]axmemory', [], ['maxmemory']],
        ['MAXMEM*', ['maxmemory'], []],
        ['[M]AXMEMORY', ['maxmemory'], []],
        // Redis runs in the C locale: tolower folds ASCII only.
        ['\xc9', [], ['\xe9']],
      ],
      true,
    );
  });

  it('gives up on a hopeless pattern early, as Redis does (no exponential backtracking)', () => {
    const started = Date.now();
    expect(globMatch(`${'a*'.repeat(30)}b`, 'a'.repeat(500))).toBe(false);
    expect(globMatch(`${'a*'.repeat(30)}b`, `${'a'.repeat(500)}b`)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('FAULT name globs use the same matcher', () => {
  it('client:<glob> and EXCEPT follow Redis globs', () => {
    expect(nameMatches('drill-g[12]-*', 'drill-g1-c4')).toBe(true);
    expect(nameMatches('drill-\\*', 'drill-*')).toBe(true);
    expect(nameMatches('drill-\\*', 'drill-x')).toBe(false);
    expect(nameMatches('*', '')).toBe(false);
  });
});
