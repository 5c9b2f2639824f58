// Glob matching as Redis's stringmatchlen does it (`*`, `?`, `[a-z]`, `[^x]`, `\` escapes), for
// SENTINEL RESET patterns and PSUBSCRIBE on the sentinel's own pub/sub.

export function globMatch(pattern: string, text: string, nocase = false): boolean {
  if (nocase) {
    pattern = pattern.toLowerCase();
    text = text.toLowerCase();
  }
  return matchAt(pattern, 0, text, 0);
}

function matchAt(p: string, pi: number, s: string, si: number): boolean {
  while (pi < p.length) {
    const c = p[pi]!;
    if (c === '*') {
      while (p[pi + 1] === '*') pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k <= s.length; k++) if (matchAt(p, pi + 1, s, k)) return true;
      return false;
    }
    if (si >= s.length) return false;
    if (c === '?') {
      pi++;
      si++;
      continue;
    }
    if (c === '[') {
      const end = classEnd(p, pi);
      if (!classMatches(p.slice(pi + 1, end), s[si]!)) return false;
      pi = end + 1;
      si++;
      continue;
    }
    let literal = c;
    if (c === '\\' && pi + 1 < p.length) literal = p[++pi]!;
    if (literal !== s[si]) return false;
    pi++;
    si++;
  }
  return si === s.length;
}

function classEnd(p: string, open: number): number {
  let i = open + 1;
  if (p[i] === '^') i++;
  while (i < p.length && p[i] !== ']') i += p[i] === '\\' ? 2 : 1;
  return Math.min(i, p.length - 1);
}

function classMatches(body: string, ch: string): boolean {
  let negate = false;
  let i = 0;
  if (body[0] === '^') {
    negate = true;
    i = 1;
  }
  let hit = false;
  while (i < body.length) {
    if (body[i] === '\\' && i + 1 < body.length) {
      if (body[i + 1] === ch) hit = true;
      i += 2;
    } else if (i + 2 < body.length && body[i + 1] === '-') {
      const [lo, hi] = [body[i]!, body[i + 2]!].sort();
      if (ch >= lo! && ch <= hi!) hit = true;
      i += 3;
    } else {
      if (body[i] === ch) hit = true;
      i++;
    }
  }
  return negate ? !hit : hit;
}
