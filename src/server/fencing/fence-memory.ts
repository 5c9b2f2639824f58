// The sentinels a node remembers across restarts (core/fence-core.ts decides what they mean): a JSON
// file in the node's directory, rewritten atomically whenever the group it knows changes.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SENTINEL_SHORT_ID } from '../../shared/fencing-contract.js';

/** In the node's directory: the sentinels that monitored it, so that a restart begins fenced. */
export const SENTINELS_FILE = 'fencing-sentinels.json';

export class SentinelMemory {
  /** How many ids the file holds now; -1: rewrite it at the next save. */
  private saved = -1;

  constructor(
    private readonly dir: string,
    private readonly warn: (message: string) => void,
  ) {}

  /** The remembered ids; none when the file is missing or unreadable (nothing to go by). */
  load(): string[] {
    try {
      const parsed = JSON.parse(readFileSync(join(this.dir, SENTINELS_FILE), 'utf8')) as { sentinels?: unknown };
      if (!Array.isArray(parsed.sentinels)) return [];
      const ids = parsed.sentinels.filter((id): id is string => typeof id === 'string' && SENTINEL_SHORT_ID.test(id));
      this.saved = ids.length;
      return ids;
    } catch {
      return [];
    }
  }

  /** The next save writes the file even if the number of ids did not change. */
  invalidate(): void {
    this.saved = -1;
  }

  save(ids: string[]): void {
    if (ids.length === this.saved) return;
    this.saved = ids.length;
    const file = join(this.dir, SENTINELS_FILE);
    try {
      writeFileSync(`${file}.tmp`, `${JSON.stringify({ sentinels: ids })}\n`);
      renameSync(`${file}.tmp`, file);
    } catch (error) {
      this.warn(`Can't remember the sentinels in ${file}: ${(error as Error).message}`);
    }
  }
}
