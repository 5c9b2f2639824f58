// Feeds a byte stream to a RequestParser in every way a socket could deliver it (whole, byte by
// byte, split at every boundary, split in three) and collects what comes out, so each parser test
// checks that chunking never changes the commands, their frame sizes or the error.

import { ProtocolError, RequestParser, type ParserLimits } from '../../src/shared/resp/request-parser.js';
import { seededRandom } from '../../src/shared/seeded-random.js';

export interface Outcome {
  commands: string[][];
  /** lastFrameBytes after each command. */
  sizes: number[];
  /** The ProtocolError message, if parsing failed. */
  error?: string;
  /** Still waiting for bytes at the end (a partial frame); not reported after an error. */
  midFrame?: boolean;
}

export interface ParserSetup {
  limits?: Partial<ParserLimits>;
  authRequired?: boolean;
}

export function bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

export function parseChunks(chunks: Buffer[], setup: ParserSetup = {}): Outcome {
  const parser = new RequestParser({ maxBulkLength: 512 * 1024 * 1024, maxMultibulkLength: 2147483647, ...setup.limits });
  parser.authRequired = setup.authRequired ?? false;
  const commands: string[][] = [];
  const sizes: number[] = [];
  try {
    for (const chunk of chunks) {
      parser.feed(chunk);
      for (let command = parser.next(); command !== null; command = parser.next()) {
        commands.push(command);
        sizes.push(parser.lastFrameBytes);
      }
    }
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    return { commands, sizes, error: error.message };
  }
  return { commands, sizes, midFrame: parser.midFrame };
}

/** Every way to cut `input` that the tests try; long inputs get fewer (n^2 splits get slow). */
export function chunkings(input: Buffer): [string, Buffer[]][] {
  const ways: [string, Buffer[]][] = [['whole', [input]]];
  const n = input.length;
  if (n <= 4096) ways.push(['byte by byte', [...input].map((b) => Buffer.from([b]))]);
  const step = n <= 512 ? 1 : Math.ceil(n / 256);
  for (let i = step; i < n; i += step) ways.push([`split at ${i}`, [input.subarray(0, i), input.subarray(i)]]);
  if (n <= 48) {
    for (let i = 1; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        ways.push([`split at ${i} and ${j}`, [input.subarray(0, i), input.subarray(i, j), input.subarray(j)]]);
      }
    }
  }
  return ways;
}

/** Parses `input` every way and checks all agree; returns the common outcome. */
export function parseEveryWay(input: Buffer | string, setup: ParserSetup = {}): Outcome {
  const data = typeof input === 'string' ? bytes(input) : input;
  let first: Outcome | undefined;
  for (const [how, chunks] of chunkings(data)) {
    const outcome = parseChunks(chunks, setup);
    if (first === undefined) {
      first = outcome;
      continue;
    }
    const same = JSON.stringify(outcome) === JSON.stringify(first);
    if (!same) {
      throw new Error(`fed ${how}: ${JSON.stringify(outcome)} differs from whole: ${JSON.stringify(first)}`);
    }
  }
  return first!;
}

/** RESP multibulk encoding of a command (what clients send). */
export function multibulk(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
}

/** Randomized cases are reproducible from their seed. */
export const prng = seededRandom;
