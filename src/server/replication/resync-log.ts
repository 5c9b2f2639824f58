// The PSYNC answers this node gave, newest last (INFO resyncs, clusterctl's own section): for each
// replica that (re)connected, partial with how many bytes the backlog served, or full and why
// (psync-decision.ts FullCause). Redis only counts them (sync_full, sync_partial_ok/err) and
// logs the reason line (replication.c masterTryPartialResynchronization); a drill needs each one,
// so a bounded list is kept. Sequence numbers let a reader take only what it has not seen.

import type { FullCause } from './psync-decision.js';

export interface ResyncEntry {
  seq: number;
  /** Wall-clock ms when the PSYNC was answered. */
  atMs: number;
  /** The replica as it announced itself (ip:listening-port). */
  replica: string;
  kind: 'partial' | 'full';
  /** partial: backlog bytes sent after +CONTINUE; full: 0. */
  bytes: number;
  /** full only. */
  cause: FullCause | '';
  /** What the replica asked for: `<replid>:<offset>` (`?:-1` without history). */
  requested: string;
  /** The backlog's range at that moment, `first..last` (empty without a backlog), and its capacity. */
  backlogRange: string;
  backlogSize: number;
}

/** Entries kept: enough for a drill's reconnects between two reads. */
export const RESYNC_LOG_LENGTH = 64;

export class ResyncLog {
  private readonly entries: ResyncEntry[] = [];
  private nextSeq = 1;

  add(entry: Omit<ResyncEntry, 'seq'>): ResyncEntry {
    const full = { seq: this.nextSeq++, ...entry };
    this.entries.push(full);
    if (this.entries.length > RESYNC_LOG_LENGTH) this.entries.shift();
    return full;
  }

  get all(): readonly ResyncEntry[] {
    return this.entries;
  }

  /** INFO resyncs. */
  infoLines(): string[] {
    return [
      `resync_log_next_seq:${this.nextSeq}`,
      ...this.entries.map(
        (e) =>
          `resync_${e.seq}:at_ms=${e.atMs},replica=${e.replica},kind=${e.kind},bytes=${e.bytes},cause=${e.cause},` +
          `requested=${e.requested},backlog=${e.backlogRange},backlog_size=${e.backlogSize}`,
      ),
    ];
  }
}
