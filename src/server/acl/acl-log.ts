// The ACL security log (acl.c addACLLogEntry, ACL LOG): newest first, at most acllog-max-len
// entries; a refusal like one of the last ten (same reason, context, object and user, within a
// minute) bumps that entry's count and moves it to the front instead of adding another.

import type { Denial } from './permissions.js';

/** ACL_DENIED_* as ACL LOG names them; `auth` is a failed AUTH or HELLO AUTH. */
export type LogReason = Denial | 'auth';
/** ACL_LOG_CTX_*: where the refused command ran. */
export type LogContext = 'toplevel' | 'multi' | 'lua' | 'module';

export interface AclLogEntry {
  count: number;
  readonly reason: LogReason;
  readonly context: LogContext;
  /** The command's full name, the key, the channel, or for `auth` the command as typed. */
  readonly object: string;
  readonly username: string;
  /** Time of the last refusal counted in the entry (ms). */
  time: number;
  /** CLIENT LIST line of the last client refused. */
  clientInfo: string;
}

/** ACL_LOG_GROUPING_MAX_TIME_DELTA. */
const GROUPING_MS = 60_000;
/** How many recent entries a new refusal is compared with. */
const SCAN_ENTRIES = 10;

function similar(a: AclLogEntry, b: AclLogEntry): boolean {
  return (
    a.reason === b.reason &&
    a.context === b.context &&
    Math.abs(a.time - b.time) <= GROUPING_MS &&
    a.object === b.object &&
    a.username === b.username
  );
}

export class AclLog {
  /** Newest first. */
  entries: AclLogEntry[] = [];

  add(entry: Omit<AclLogEntry, 'count'>, maxLength: number): void {
    const fresh: AclLogEntry = { ...entry, count: 1 };
    const scanned = Math.min(SCAN_ENTRIES, this.entries.length);
    for (let i = 0; i < scanned; i++) {
      const current = this.entries[i]!;
      if (!similar(current, fresh)) continue;
      this.entries.splice(i, 1);
      this.entries.unshift(current);
      current.clientInfo = fresh.clientInfo;
      current.time = fresh.time;
      current.count++;
      return;
    }
    this.entries.unshift(fresh);
    if (this.entries.length > maxLength) this.entries.length = maxLength;
  }

  reset(): void {
    this.entries = [];
  }
}
