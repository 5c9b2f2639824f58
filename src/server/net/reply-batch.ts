// Replies written once per event-loop turn: the connections that produced output while their reads
// were processed are flushed together after the turn's I/O callbacks, as Redis answers every client
// of an event-loop iteration in beforeSleep (handleClientsWithPendingWrites, networking.c). The
// replication stream of the whole turn then leaves in one write per replica (the flush of the first
// connection runs the before-replies hook), not one per client read, and still ahead of every OK.

/** A connection with output to write. */
export interface PendingWriter {
  flushPending(): void;
}

const pending: PendingWriter[] = [];
let scheduled = false;

function writeAll(): void {
  scheduled = false;
  // A flush may close a connection or queue more output: take the list as it is now.
  const batch = pending.splice(0, pending.length);
  for (const writer of batch) writer.flushPending();
}

/** Flushes `writer` once the current turn's I/O callbacks are done (setImmediate: check phase). */
export function writeAfterTurn(writer: PendingWriter): void {
  pending.push(writer);
  if (scheduled) return;
  scheduled = true;
  setImmediate(writeAll);
}
