// Consumer-group read counters of Redis 7.0 (t_stream.c): whether a range holds tombstones, the
// logical read counter of an ID (streamEstimateDistanceFromFirstEverEntry) and a group's lag as
// XINFO reports it. A counter that cannot be known is null (Redis's SCG_INVALID_ENTRIES_READ).

import { compareIds, isZeroId, MAX_ID, ZERO_ID, type StreamId } from './stream-id.js';
import { INVALID_ENTRIES_READ, type ConsumerGroup } from './stream-groups.js';
import type { StreamValue } from './stream.js';

/** True when start <= max deleted ID <= end and that tombstone may still be inside the stream. */
export function rangeHasTombstones(stream: StreamValue, start: StreamId = ZERO_ID, end: StreamId = MAX_ID): boolean {
  if (stream.length === 0 || isZeroId(stream.maxDeletedId)) return false;
  if (compareIds(stream.firstId, stream.maxDeletedId) > 0) return false;
  return compareIds(start, stream.maxDeletedId) <= 0 && compareIds(stream.maxDeletedId, end) <= 0;
}

/** The read counter of `id`, counted from the first entry ever added; null when unknowable. */
export function estimateEntriesRead(stream: StreamValue, id: StreamId): bigint | null {
  if (stream.entriesAdded === 0n) return 0n;
  if (stream.length === 0 && compareIds(id, stream.lastId) < 1) return stream.entriesAdded;
  const vsLast = compareIds(id, stream.lastId);
  if (vsLast === 0) return stream.entriesAdded;
  if (vsLast > 0) return null;
  const vsFirst = compareIds(id, stream.firstId);
  if (isZeroId(stream.maxDeletedId) || compareIds(stream.maxDeletedId, stream.firstId) < 0) {
    if (vsFirst < 0) return stream.entriesAdded - BigInt(stream.length);
    if (vsFirst === 0) return stream.entriesAdded - BigInt(stream.length) + 1n;
  }
  return null;
}

/** A group's lag (entries not yet delivered), or null when it cannot be known (streamReplyWithCGLag). */
export function groupLag(stream: StreamValue, group: ConsumerGroup): bigint | null {
  if (stream.entriesAdded === 0n) return 0n;
  if (group.entriesRead !== INVALID_ENTRIES_READ && !rangeHasTombstones(stream, group.lastId)) {
    return stream.entriesAdded - group.entriesRead;
  }
  const read = estimateEntriesRead(stream, group.lastId);
  return read === null ? null : stream.entriesAdded - read;
}

/** Moves a group past a delivered ID, keeping its read counter as streamReplyWithRange does. */
export function advanceGroup(stream: StreamValue, group: ConsumerGroup, id: StreamId): void {
  if (group.entriesRead !== INVALID_ENTRIES_READ && !rangeHasTombstones(stream, id)) {
    group.entriesRead++;
  } else if (stream.entriesAdded !== 0n) {
    group.entriesRead = estimateEntriesRead(stream, id) ?? INVALID_ENTRIES_READ;
  }
  group.lastId = id;
}
