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

export type PsyncDecision =
  | { kind: 'continue'; fromOffset: number }
  | { kind: 'full'; counted: boolean; reason: string };

export function decidePsync(
  requestedId: string,
  requestedOffset: number,
  identity: ReplicationIdentity,
  backlog: BacklogView | null,
): PsyncDecision {
  if (requestedId === '?') return { kind: 'full', counted: false, reason: 'replica asked for a full resync' };
  const sameHistory = requestedId === identity.replid;
  const previousHistory =
    requestedId === identity.replid2 && identity.secondReplOffset >= 0 && requestedOffset <= identity.secondReplOffset;
  if (!sameHistory && !previousHistory) {
    if (requestedId === identity.replid2) {
      return {
        kind: 'full',
        counted: true,
        reason: `Requested offset for second ID was ${requestedOffset}, but I can reply up to ${identity.secondReplOffset}`,
      };
    }
    return { kind: 'full', counted: true, reason: `Replication ID mismatch (replica asked for '${requestedId}', my replication IDs are '${identity.replid}' and '${identity.replid2}')` };
  }
  if (!backlog) return { kind: 'full', counted: true, reason: 'no backlog' };
  const last = backlog.firstByteOffset + backlog.histlen;
  if (requestedOffset < backlog.firstByteOffset || requestedOffset > last) {
    return {
      kind: 'full',
      counted: true,
      reason: `Requested offset ${requestedOffset} is out of the backlog range ${backlog.firstByteOffset}..${last}`,
    };
  }
  return { kind: 'continue', fromOffset: requestedOffset };
}
