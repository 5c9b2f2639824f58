// The replication history a node remembers across restarts, whatever its persistence settings: a
// small JSON file in its directory (role, replication ID, offset, key count), rewritten atomically
// (temp file, fsync, rename) so that a crash leaves the old or the new one, never half of one.
// start-decision.ts reads it to tell an empty restart of a master from a first start.

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { RememberedHistory } from './start-decision.js';

export const HISTORY_FILE = 'replication-history.json';

/** The remembered history, or null when the file is missing or unreadable (nothing to go by). */
export function readHistory(dir: string): RememberedHistory | null {
  try {
    const parsed = JSON.parse(readFileSync(join(dir, HISTORY_FILE), 'utf8')) as Partial<RememberedHistory>;
    if ((parsed.role !== 'master' && parsed.role !== 'replica') || typeof parsed.replid !== 'string') return null;
    if (![parsed.offset, parsed.keys, parsed.at].every((n) => typeof n === 'number' && Number.isFinite(n))) return null;
    return { role: parsed.role, replid: parsed.replid, offset: parsed.offset!, keys: parsed.keys!, at: parsed.at! };
  } catch {
    return null;
  }
}

export function writeHistory(dir: string, history: RememberedHistory): void {
  const file = join(dir, HISTORY_FILE);
  const fd = openSync(`${file}.tmp`, 'w');
  try {
    writeSync(fd, `${JSON.stringify(history)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(`${file}.tmp`, file);
}
