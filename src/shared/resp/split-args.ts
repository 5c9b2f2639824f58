// Splits a line into words the way Redis's sdssplitargs does: inline requests and redis.conf
// lines. Behaviour checked against redis-server 7.0 (inline requests sent over a socket).

/**
 * Splits a line into arguments like Redis's sdssplitargs (inline requests, redis.conf lines):
 * blanks separate, "double quotes" allow \n \r \t \b \a, \xHH and \<any> escapes, 'single quotes'
 * allow only \'. A closing quote must be followed by a blank or the end. As in C, a NUL byte ends
 * the line. Returns null on unbalanced quotes.
 */
export function splitArgs(input: string): string[] | null {
  const nul = input.indexOf('\0');
  const line = nul >= 0 ? input.slice(0, nul) : input;
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  for (;;) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) return out;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      if (inDouble) {
        if (i >= n) return null;
        const c = line[i]!;
        if (c === '\\' && line[i + 1] === 'x' && isHex(line.charCodeAt(i + 2)) && isHex(line.charCodeAt(i + 3))) {
          current += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
        } else if (c === '\\' && i + 1 < n) {
          const e = line[i + 1]!;
          current += ESCAPES[e] ?? e;
          i += 2;
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          i++;
          break;
        } else {
          current += c;
          i++;
        }
      } else if (inSingle) {
        if (i >= n) return null;
        const c = line[i]!;
        if (c === '\\' && line[i + 1] === "'") {
          current += "'";
          i += 2;
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          i++;
          break;
        } else {
          current += c;
          i++;
        }
      } else {
        // Outside quotes only space, \n, \r and \t end a word (\v and \f stay in it).
        if (i >= n) break;
        const code = line.charCodeAt(i);
        if (code === 32 || code === 10 || code === 13 || code === 9) break;
        if (code === 34) inDouble = true;
        else if (code === 39) inSingle = true;
        else current += line[i];
        i++;
      }
    }
    out.push(current);
  }
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };

/** C isspace: space, \t, \n, \v, \f, \r. */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}
