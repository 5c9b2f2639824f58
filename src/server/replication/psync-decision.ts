// The master's answer to `PSYNC <replid> <offset>` (Redis replication.c masterTryPartialResynchronization,
// protocol doc 3.2). Pure: identity and backlog state in, decision out.
//   - `continue`: same history (replid, or replid2 up to second_repl_offset) and the backlog still
//     holds every byte from `offset`: answer +CONTINUE and send those bytes.
//   - `full`: anything else; `counted` says whether it is a failed partial attempt
//     (sync_partial_err): `?` is a plain full-sync request and is not counted.

export interface ReplicationIdentity {
  replid: string;
  replid2: string;
  /** Last offset+1 of the history under replid2, -1 when none. */
  secondReplOffset: number;
  masterReplOffset: number;
}

export interface BacklogView {
  firstByteOffset: number;
  histlen: number;
}

/**
 * Why a full resync, as a word a report can count (the `reason` text is Redis's log line):
 *   no-history           the replica offered none (`PSYNC ? -1`): it started empty, or its last
 *                        full sync never finished (it forgets its history when one begins)
 *   history-changed      another replication ID, or the second ID past the point it was shifted
 *   backlog-overwritten  same history, but the bytes from its offset are no longer in the backlog
 *   offset-ahead         same history, but the replica claims bytes this node never had
 *   no-backlog           this node keeps no backlog (it never had a replica since it started)
 *   sync                 the pre-PSYNC `SYNC` command (no way to continue)
 */
export type FullCause = 'no-history' | 'history-changed' | 'backlog-overwritten' | 'offset-ahead' | 'no-backlog' | 'sync';

export type PsyncDecision =
  | { kind: 'continue'; fromOffset: number }
  | { kind: 'full'; counted: boolean; cause: FullCause; reason: string };

export function decidePsync(
  requestedId: string,
  requestedOffset: number,
  identity: ReplicationIdentity,
  backlog: BacklogView | null,
): PsyncDecision {
  if (requestedId === '?') return { kind: 'full', counted: false, cause: 'no-history', reason: 'replica asked for a full resync' };
  const sameHistory = requestedId === identity.replid;
  const previousHistory =
    requestedId === identity.replid2 && identity.secondReplOffset >= 0 && requestedOffset <= identity.secondReplOffset;
  if (!sameHistory && !previousHistory) {
    if (requestedId === identity.replid2) {
      return {
        kind: 'full',
        counted: true,
        cause: 'history-changed',
        reason: `Requested offset for second ID was ${requestedOffset}, but I can reply up to ${identity.secondReplOffset}`,
      };
    }
    return { kind: 'full', counted: true, cause: 'history-changed', reason: `Replication ID mismatch (replica asked for '${requestedId}', my replication IDs are '${identity.replid}' and '${identity.replid2}')` };
  }
  if (!backlog) return { kind: 'full', counted: true, cause: 'no-backlog', reason: 'no backlog' };
  const last = backlog.firstByteOffset + backlog.histlen;
  if (requestedOffset < backlog.firstByteOffset || requestedOffset > last) {
    return {
      kind: 'full',
      counted: true,
      cause: requestedOffset < backlog.firstByteOffset ? 'backlog-overwritten' : 'offset-ahead',
      reason: `Requested offset ${requestedOffset} is out of the backlog range ${backlog.firstByteOffset}..${last}`,
    };
  }
  return { kind: 'continue', fromOffset: requestedOffset };
}
