// SAVE, BGSAVE, LASTSAVE, DUMP and RESTORE (Redis rdb.c and cluster.c), with 7.0's replies and
// error texts and its RESTORE propagation rewrites (relative TTL -> absolute + ABSTTL; a REPLACE
// whose TTL is already past -> DEL).

import { ErrorReply, OK, SimpleString, type Reply } from '../../../shared/resp/reply.js';
import { ListValue } from '../../keyspace/list.js';
import { SortedSet } from '../../keyspace/sorted-set.js';
import { saveNow, startBackgroundSave } from '../../persistence/background-save.js';
import { createDumpPayload, decodeDumpPayload, verifyDumpPayload } from '../../persistence/dump-payload.js';
import { persistenceState } from '../../persistence/state.js';
import { aofState } from '../../persistence/aof/state.js';
import { is, parseInteger } from '../../base/args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../../base/errors.js';
import { command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { notifyKey, NOTIFY_GENERIC } from '../../keyspace/keyspace-events.js';

const ERR_BGSAVE_RUNNING = new ErrorReply('ERR Background save already in progress');
const ERR_OTHER_CHILD = new ErrorReply(
  "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
);
/** Redis answers a failed save with a bare `-ERR` (shared.err); the log has the reason. */
const ERR_BARE = new ErrorReply('ERR');
const ERR_BUSYKEY = new ErrorReply('BUSYKEY Target key name already exists.');
const ERR_BAD_PAYLOAD = new ErrorReply('ERR DUMP payload version or checksum are wrong');
const ERR_BAD_FORMAT = new ErrorReply('ERR Bad data format');

function save(ctx: CommandContext): Reply {
  // SAVE resets server.dirty; that is not a data change to propagate.
  ctx.suppressPropagation();
  if (persistenceState(ctx.server).bgsave) return ERR_BGSAVE_RUNNING;
  return saveNow(ctx.server) === undefined ? OK : ERR_BARE;
}

function bgsave(ctx: CommandContext, args: string[]): Reply {
  if (args.length > 2 || (args.length === 2 && !is(args[1], 'SCHEDULE'))) return ERR_SYNTAX;
  const state = persistenceState(ctx.server);
  // One background job at a time, as Redis's single child: while an AOF rewrite runs (or inside
  // EXEC) BGSAVE SCHEDULE defers the save to the cron (rdb_bgsave_scheduled).
  const inExec = ctx.client.multi !== null;
  if (!state.bgsave && (aofState(ctx.server).rewrite || inExec)) {
    if (args.length === 2 || inExec) {
      state.bgsaveScheduled = true;
      return new SimpleString('Background saving scheduled');
    }
    return ERR_OTHER_CHILD;
  }
  const result = startBackgroundSave(ctx.server);
  if (result === 'in-progress') return ERR_BGSAVE_RUNNING;
  if (result === 'failed') return ERR_BARE;
  return new SimpleString('Background saving started');
}

function lastsave(ctx: CommandContext): Reply {
  return ctx.server.lastSaveTime;
}

function dump(ctx: CommandContext, args: string[]): Reply {
  const value = ctx.db.lookup(args[1]!);
  if (value === undefined) return null;
  return createDumpPayload(value, ctx.server.config.bool('rdbcompression')).toString('latin1');
}

interface RestoreOptions {
  replace: boolean;
  absttl: boolean;
  /** IDLETIME seconds / FREQ given, -1 when not (objectSetLRUOrLFU keeps the one the policy reads). */
  idle: number;
  freq: number;
}

/** Options after the payload, checked before anything else as Redis does. */
function parseRestoreOptions(args: string[]): RestoreOptions | ErrorReply {
  const options: RestoreOptions = { replace: false, absttl: false, idle: -1, freq: -1 };
  for (let i = 4; i < args.length; i++) {
    const more = args.length - i - 1;
    if (is(args[i], 'REPLACE')) {
      options.replace = true;
    } else if (is(args[i], 'ABSTTL')) {
      options.absttl = true;
    } else if (is(args[i], 'IDLETIME') && more >= 1 && options.freq === -1) {
      const value = parseInteger(args[++i]!);
      if (value === null) return ERR_NOT_INTEGER;
      if (value < 0) return new ErrorReply('ERR Invalid IDLETIME value, must be >= 0');
      options.idle = value;
    } else if (is(args[i], 'FREQ') && more >= 1 && options.idle === -1) {
      const value = parseInteger(args[++i]!);
      if (value === null) return ERR_NOT_INTEGER;
      if (value < 0 || value > 255) return new ErrorReply('ERR Invalid FREQ value, must be >= 0 and <= 255');
      options.freq = value;
    } else {
      return ERR_SYNTAX;
    }
  }
  return options;
}

export function restore(ctx: CommandContext, args: string[]): Reply {
  const options = parseRestoreOptions(args);
  if (options instanceof ErrorReply) return options;
  const key = args[1]!;
  if (!options.replace && ctx.db.lookup(key) !== undefined) return ERR_BUSYKEY;
  let ttl = parseInteger(args[2]!);
  if (ttl === null) return ERR_NOT_INTEGER;
  if (ttl < 0) return new ErrorReply('ERR Invalid TTL value, must be >= 0');
  const payload = Buffer.from(args[3]!, 'latin1');
  if (!verifyDumpPayload(payload, persistenceState(ctx.server).skipChecksumValidation)) return ERR_BAD_PAYLOAD;
  let value;
  try {
    value = decodeDumpPayload(payload, key);
  } catch {
    return ERR_BAD_FORMAT;
  }
  const deleted = options.replace && ctx.db.delete(key);
  if (ttl > 0 && !options.absttl) ttl += ctx.now;
  // Redis checkAlreadyExpired: a master does not create a key that is already expired.
  if (ttl > 0 && ttl <= ctx.now && !ctx.server.isReplica) {
    if (deleted) {
      ctx.propagateAs(['DEL', key]);
      notifyKey(ctx, NOTIFY_GENERIC, 'del', key);
    }
    return OK;
  }
  ctx.db.set(key, value);
  const stamp = ctx.server.accessClock.restored(options.freq, options.idle);
  if (stamp !== undefined) ctx.db.access.set(key, stamp);
  if (ttl > 0) {
    ctx.db.setExpire(key, ttl);
    if (!options.absttl) ctx.propagateAs([args[0]!, key, String(ttl), ...args.slice(3), 'ABSTTL']);
  }
  if (value instanceof ListValue || value instanceof SortedSet) ctx.db.signalReady(key);
  notifyKey(ctx, NOTIFY_GENERIC, 'restore', key);
  return OK;
}

export const persistenceCommands: CommandSpec[] = [
  command('save', 1, ['admin', 'noscript', 'no_multi'], save, undefined, {
    summary: 'Synchronously saves the database(s) to disk.',
  }),
  command('bgsave', -1, ['admin', 'noscript'], bgsave, undefined, {
    summary: 'Asynchronously saves the database(s) to disk.',
  }),
  command('lastsave', 1, ['loading', 'stale', 'fast'], lastsave, undefined, {
    summary: 'Returns the Unix timestamp of the last successful save to disk.',
  }),
  command('dump', 2, ['readonly'], dump, KEY1, {
    summary: 'Returns a serialized representation of the value stored at a key.',
  }),
  command('restore', -4, ['write', 'denyoom'], restore, KEY1, {
    summary: 'Creates a key from the serialized representation of a value.',
  }),
];
