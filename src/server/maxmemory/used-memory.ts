// used_memory as this node reports it in INFO / MEMORY STATS and enforces it against maxmemory.
// It is an estimate, not an allocator's count: a fixed startup figure (what an empty redis-server
// 7.0.15 with 16 databases reports as used_memory_startup on x86_64), plus the keyspace as
// keyspace/memory-accounting.ts adds it up key by key (each key and value sized as Redis 7.0 would
// lay them out in jemalloc's size classes), plus the replication backlog's bytes. It differs from
// redis-server's jemalloc figure (client buffers, Lua, dict rehashing and allocator slack are not
// counted) and from the process's V8 heap or RSS, which INFO reports separately
// (used_memory_rss). Being our own count, it is deterministic: the same writes give the same figure.

import type { Server } from '../server.js';

/** used_memory_startup of redis-server 7.0.15 (16 databases, x86_64), as measured on an empty node. */
export const STARTUP_MEMORY = 876096;

const peaks = new WeakMap<Server, number>();

/** The replication backlog's bytes held (Redis counts its replication buffer in used_memory). */
export function backlogBytes(server: Server): number {
  return server.replication?.backlog?.histlen ?? 0;
}

/** used_memory: startup + keyspace + replication backlog. */
export function usedMemory(server: Server): number {
  const used = STARTUP_MEMORY + server.memory.total() + backlogBytes(server);
  if (used > (peaks.get(server) ?? 0)) peaks.set(server, used);
  return used;
}

/** used_memory_peak: the highest used_memory seen when it was read. */
export function peakMemory(server: Server): number {
  return Math.max(peaks.get(server) ?? 0, usedMemory(server));
}
