// Reading log files: size, the bytes after an offset (readiness, logs -f) and the last lines (tails).

import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';

/** Size of a file (0 when missing). */
export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
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
    const read = readSync(fd, buffer, 0, buffer.length, offset);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The last `lines` lines of a file, for error messages and `clusterctl logs`. */
export function tail(file: string, lines: number): string[] {
  if (lines <= 0) return [];
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
