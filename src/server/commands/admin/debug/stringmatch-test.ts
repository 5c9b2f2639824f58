// DEBUG STRINGMATCH-TEST (Redis debug.c, util.c stringmatchlen_fuzz_test): throws random patterns
// and strings (up to 31 bytes) at the glob matcher KEYS, SCAN, PSUBSCRIBE and CONFIG GET use. The
// answer only says the process survived: a pathological pattern would hang it here instead of in a
// client's KEYS. Redis runs 10M rounds of bytes 0..127; ours runs fewer, weighted to metacharacters.

import { globMatch } from '../../../../shared/glob.js';

const ROUNDS = 100_000;
const ALPHABET = '*?[]^-\\abc';

function randomText(max: number): string {
  const length = Math.floor(Math.random() * max);
  let text = '';
  for (let i = 0; i < length; i++) {
    // Mostly glob metacharacters and a few letters, some raw bytes, as Redis's fuzzer mixes them.
    text += Math.random() < 0.9 ? ALPHABET[Math.floor(Math.random() * ALPHABET.length)] : String.fromCharCode(Math.floor(Math.random() * 256));
  }
  return text;
}

/** Runs the fuzz rounds; returns how many matched (the work must not be optimised away). */
export function stringmatchFuzz(rounds = ROUNDS): number {
  let matched = 0;
  for (let i = 0; i < rounds; i++) {
    if (globMatch(randomText(32), randomText(32), Math.random() < 0.5)) matched++;
  }
  return matched;
}
