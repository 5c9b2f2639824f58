// When is a freshly started node ready? When its log (from where this start began) says
// "Ready to accept connections" (redis-server and clusterctl-node log the same line) AND it answers
// PING. Fails fast when the process exits first, and at the deadline otherwise.

import { readFileSync, openSync, readSync, closeSync } from 'node:fs';
import { ping } from '../probe/client.js';
import { sleep } from '../util/sleep.js';
import { fileSize } from './spawn.js';

const READY_LINE = /Ready to accept connections/;
/** Poll often: a node is usually ready within tens of milliseconds. */
const POLL_MS = 15;

export type ReadyOutcome = { ready: true } | { ready: false; reason: 'exited' | 'timeout'; detail: string };

export async function waitReady(options: {
  port: number;
  logFile: string;
  logOffset: number;
  deadline: number;
  hasExited: () => boolean;
  exitDetail: () => string;
}): Promise<ReadyOutcome> {
  let logged = false;
  for (;;) {
    if (options.hasExited()) return { ready: false, reason: 'exited', detail: options.exitDetail() };
    if (!logged) logged = READY_LINE.test(readFrom(options.logFile, options.logOffset));
    if (logged && (await ping(options.port, 300))) return { ready: true };
    if (Date.now() >= options.deadline) {
      return { ready: false, reason: 'timeout', detail: logged ? 'logged ready but does not answer PING' : 'never logged "Ready to accept connections"' };
    }
    await sleep(POLL_MS);
  }
}

/** The text of `file` from byte `offset` on ('' when missing). */
export function readFrom(file: string, offset: number): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const size = fileSize(file);
    if (size <= offset) return '';
    const buffer = Buffer.alloc(size - offset);
    readSync(fd, buffer, 0, buffer.length, offset);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The last `lines` lines of a file, for error messages and `clusterctl logs`. */
export function tail(file: string, lines: number): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  return all.slice(-lines);
}
