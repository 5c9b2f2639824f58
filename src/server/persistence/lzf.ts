// LZF, the compression Redis applies to RDB strings (`rdbcompression yes`, lzf_c.c / lzf_d.c format).
// Control byte c < 32: a run of c+1 literal bytes follows. Otherwise a back-reference: length
// (c >> 5) + 2, or 7 + next byte + 2 when c >> 5 == 7; distance ((c & 0x1f) << 8 | next byte) + 1.

const MAX_LITERAL = 32;
const MAX_DISTANCE = 8192;
const MAX_MATCH = 264; // 7 + 255 + 2
const HASH_BITS = 14;

export class LzfError extends Error {}

/** Expands `input` into exactly `outLength` bytes; throws LzfError when the data is inconsistent. */
export function lzfDecompress(input: Uint8Array, outLength: number): Buffer {
  const out = Buffer.allocUnsafe(outLength);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const ctrl = input[ip++]!;
    if (ctrl < 32) {
      const run = ctrl + 1;
      if (ip + run > input.length) throw new LzfError('literal run past the end of the compressed data');
      if (op + run > outLength) throw new LzfError('literal run past the announced length');
      for (let i = 0; i < run; i++) out[op++] = input[ip++]!;
      continue;
    }
    let length = ctrl >> 5;
    if (length === 7) {
      if (ip >= input.length) throw new LzfError('truncated back-reference');
      length += input[ip++]!;
    }
    length += 2;
    if (ip >= input.length) throw new LzfError('truncated back-reference');
    let from = op - (((ctrl & 0x1f) << 8) | input[ip++]!) - 1;
    if (from < 0) throw new LzfError('back-reference before the start of the data');
    if (op + length > outLength) throw new LzfError('back-reference past the announced length');
    // Byte by byte: source and destination may overlap (a run repeating the last bytes).
    for (let i = 0; i < length; i++) out[op++] = out[from++]!;
  }
  if (op !== outLength) throw new LzfError(`decompressed to ${op} bytes, expected ${outLength}`);
  return out;
}

/**
 * Compresses `input`; returns undefined when the result would not fit in `maxOutput` bytes (Redis
 * saves a string compressed only when that saves at least 4 bytes: maxOutput = length - 4).
 */
const sharedTable = new Int32Array(1 << HASH_BITS);
let nextBase = 1;

export function lzfCompress(input: Uint8Array, maxOutput = input.length - 4): Buffer | undefined {
  const length = input.length;
  if (length < 4 || maxOutput <= 0) return undefined;
  const out = Buffer.allocUnsafe(maxOutput + MAX_LITERAL + 2);
  // One hash table for every call: entries hold `base + position`, so entries older than this
  // call's base are stale without clearing 64 KiB per string (a snapshot compresses millions).
  if (nextBase + length + 1 > 0x7fffffff) {
    sharedTable.fill(0);
    nextBase = 1;
  }
  const base = nextBase;
  nextBase += length + 1;
  const table = sharedTable;
  let ip = 0;
  let op = 1; // out[litStart] is the pending literal run's control byte
  let litStart = 0;
  let lit = 0;
  while (ip < length - 2) {
    const hash = Math.imul((input[ip]! << 16) | (input[ip + 1]! << 8) | input[ip + 2]!, 0x9e3779b1) >>> (32 - HASH_BITS);
    const ref = table[hash]! - base;
    table[hash] = base + ip;
    const distance = ip - ref - 1;
    if (
      ref >= 0 &&
      distance < MAX_DISTANCE &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1] &&
      input[ref + 2] === input[ip + 2]
    ) {
      let len = 3;
      const maxLen = Math.min(MAX_MATCH, length - ip);
      while (len < maxLen && input[ref + len] === input[ip + len]) len++;
      // Close the literal run (drop its control byte when empty).
      if (lit === 0) op--;
      else out[litStart] = lit - 1;
      const code = len - 2;
      if (code < 7) {
        out[op++] = (code << 5) | (distance >> 8);
      } else {
        out[op++] = (7 << 5) | (distance >> 8);
        out[op++] = code - 7;
      }
      out[op++] = distance & 0xff;
      if (op >= maxOutput) return undefined;
      litStart = op++;
      lit = 0;
      ip += len;
      continue;
    }
    out[op++] = input[ip++]!;
    if (++lit === MAX_LITERAL) {
      out[litStart] = MAX_LITERAL - 1;
      litStart = op++;
      lit = 0;
    }
    if (op >= maxOutput) return undefined;
  }
  while (ip < length) {
    out[op++] = input[ip++]!;
    if (++lit === MAX_LITERAL) {
      out[litStart] = MAX_LITERAL - 1;
      litStart = op++;
      lit = 0;
    }
  }
  if (lit === 0) op--;
  else out[litStart] = lit - 1;
  if (op > maxOutput) return undefined;
  return out.subarray(0, op);
}
