// The keyspace half of MIGRATE (Redis 7.0 cluster.c migrateCommand around its network part): the
// values are serialized at once as DUMP payloads with their remaining TTL, the transfer runs on a
// cached link (migrate-transfer.ts), then the keys the target acknowledged are deleted here (unless
// COPY) and propagated as one DEL, and the caller gets OK, NOKEY's sibling errors or IOERR.
//
// Redis blocks the whole server during MIGRATE; we do not, so a key may change here while its old
// value travels. Such a key is kept here rather than deleted (deleting it would lose the write): a
// following MIGRATE of it meets BUSYKEY on the target, as a half-finished migration does in Redis.

import { notifyKeyspaceEvent, NOTIFY_GENERIC } from '../keyspace/keyspace-events.js';
import { ErrorReply, OK, type Reply } from '../../shared/resp/reply.js';
import { createDumpPayload } from '../persistence/dump-payload.js';
import type { Db } from '../keyspace/db.js';
import type { Server } from '../server.js';
import { MigrateCache } from './migrate-cache.js';
import { transfer, type TransferResult } from './migrate-transfer.js';

export interface MigrateRequest {
  host: string;
  port: string;
  dbid: number;
  timeoutMs: number;
  copy: boolean;
  replace: boolean;
  /** ['AUTH', password] or ['AUTH', username, password]. */
  auth: string[] | undefined;
  /** The keys that exist here (MIGRATE answered NOKEY when none did). */
  keys: string[];
}

const caches = new WeakMap<Server, MigrateCache>();

/** The node's MIGRATE connection cache (server.migrate_cached_sockets). */
export function migrateCacheOf(server: Server): MigrateCache {
  let cache = caches.get(server);
  if (!cache) caches.set(server, (cache = new MigrateCache()));
  return cache;
}

/** The RESTORE lines for the keys still alive, in order (expired ones are skipped, as Redis does). */
function restoreCommands(server: Server, db: Db, request: MigrateRequest, now: number): { keys: string[]; restores: string[][] } {
  const name = server.config.bool('cluster-enabled') ? 'RESTORE-ASKING' : 'RESTORE';
  const compression = server.config.bool('rdbcompression');
  const keys: string[] = [];
  const restores: string[][] = [];
  for (const key of request.keys) {
    const value = db.data.get(key);
    if (value === undefined) continue;
    const expireAt = db.getExpire(key);
    let ttl = 0;
    if (expireAt !== undefined) {
      ttl = expireAt - now;
      if (ttl < 0) continue;
      if (ttl < 1) ttl = 1;
    }
    keys.push(key);
    const payload = createDumpPayload(value, compression).toString('latin1');
    restores.push([name, key, String(ttl), payload, ...(request.replace ? ['REPLACE'] : [])]);
  }
  return { keys, restores };
}

/** Records which keys of db change while a transfer is under way. */
function watchChanges(server: Server, db: Db, keys: string[]): { changed: Set<string>; stop(): void } {
  const wanted = new Set(keys);
  const changed = new Set<string>();
  const observer = {
    beforeChange(changedDb: Db, key: string): void {
      if (changedDb === db && wanted.has(key)) changed.add(key);
    },
  };
  server.observers.add(observer);
  return { changed, stop: () => server.observers.delete(observer) };
}

/** The reply for a finished transfer (Redis's wording for each outcome). */
function replyFor(result: TransferResult): Reply {
  if (result.targetError !== undefined) return new ErrorReply(`ERR Target instance replied with error: ${result.targetError}`);
  if (result.ioError === 'connecting') return new ErrorReply('IOERR error or timeout connecting to the client');
  if (result.ioError !== undefined) return new ErrorReply(`IOERR error or timeout ${result.ioError} to target instance`);
  return OK;
}

/**
 * Runs a MIGRATE whose arguments were checked and whose keys exist in `db`; resolves with its reply
 * once the target answered (or failed), after the acknowledged keys left this node.
 */
export async function runMigrate(server: Server, db: Db, request: MigrateRequest): Promise<Reply> {
  const { keys, restores } = restoreCommands(server, db, request, server.now());
  const watch = watchChanges(server, db, keys);
  let result: TransferResult;
  try {
    // Redis turns the port into a number with atoi(): "abc" is port 0.
    const port = Number.parseInt(request.port.trimStart(), 10);
    result = await transfer(migrateCacheOf(server), {
      host: request.host,
      port: Number.isInteger(port) ? port : 0,
      timeoutMs: request.timeoutMs,
      dbid: request.dbid,
      auth: request.auth,
      restores,
    });
  } finally {
    watch.stop();
  }
  if (!request.copy) deleteMoved(server, db, result.acked.map((index) => keys[index]!), watch.changed);
  return replyFor(result);
}

/** Deletes the keys the target acknowledged, as one execution unit propagated as DEL. */
function deleteMoved(server: Server, db: Db, moved: string[], changed: Set<string>): void {
  const deleted = moved.filter((key) => !changed.has(key));
  if (deleted.length === 0) return;
  server.beginCall();
  try {
    for (const key of deleted) {
      db.remove(key);
      // Redis cluster.c migrateCommand: a `del` event per key the target took.
      notifyKeyspaceEvent(server, NOTIFY_GENERIC, 'del', key, db.id);
    }
    server.alsoPropagate(db.id, ['DEL', ...deleted]);
  } finally {
    server.endCall();
  }
}
