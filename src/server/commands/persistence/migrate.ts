// MIGRATE and RESTORE-ASKING (Redis 7.0 cluster.c migrateCommand / restoreCommand). MIGRATE's
// arguments are checked here in Redis's order and with its words; the move itself is
// migrate/migrate-run.ts. RESTORE-ASKING is RESTORE with the `asking` flag, so cluster routing
// serves it in a slot being imported without a prior ASKING. Both work outside cluster mode too.
//
// Redis answers MIGRATE synchronously, blocking the server; we park only the caller (its later
// commands wait behind the reply) and go on serving the others while the target answers.

import { ErrorReply, NO_REPLY, SimpleString, type NoReply, type Reply } from '../../../shared/resp/reply.js';
import { is, parseInteger } from '../../base/args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../../base/errors.js';
import { command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { runMigrate, type MigrateRequest } from '../../migrate/migrate-run.js';
import { restore } from './persistence.js';
import { clock } from '../../base/clock.js';
import { redacted } from '../../request/monitor-feed.js';
import { slowlogOf, trimmedArgs } from '../../request/slowlog.js';

const NOKEY = new SimpleString('NOKEY');
const ERR_KEYS_WITH_KEY = new ErrorReply('ERR When using MIGRATE KEYS option, the key argument must be set to the empty string');
/** What we cannot do: wait for the target inside EXEC or a script, where Redis would block the server. */
const ERR_NESTED = new ErrorReply('ERR MIGRATE cannot run inside MULTI/EXEC or a script on this node');

type Parsed = Omit<MigrateRequest, 'keys'> & { candidates: string[] };

/** MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH pw] [AUTH2 user pw] [KEYS key ...]. */
function parseMigrate(args: string[]): Parsed | ErrorReply {
  let copy = false;
  let replace = false;
  let auth: string[] | undefined;
  let firstKey = 3;
  let numKeys = 1;
  for (let j = 6; j < args.length; j++) {
    const more = args.length - 1 - j;
    if (is(args[j], 'COPY')) {
      copy = true;
    } else if (is(args[j], 'REPLACE')) {
      replace = true;
    } else if (is(args[j], 'AUTH')) {
      if (more < 1) return ERR_SYNTAX;
      auth = ['AUTH', args[++j]!];
    } else if (is(args[j], 'AUTH2')) {
      if (more < 2) return ERR_SYNTAX;
      auth = ['AUTH', args[j + 1]!, args[j + 2]!];
      j += 2;
    } else if (is(args[j], 'KEYS')) {
      if (args[3]!.length !== 0) return ERR_KEYS_WITH_KEY;
      firstKey = j + 1;
      numKeys = args.length - j - 1;
      break;
    } else {
      return ERR_SYNTAX;
    }
  }
  // Redis reads the timeout before the db.
  let timeout = parseInteger(args[5]!);
  const dbid = parseInteger(args[4]!);
  if (timeout === null || dbid === null) return ERR_NOT_INTEGER;
  if (timeout <= 0) timeout = 1000;
  return {
    host: args[1]!,
    port: args[2]!,
    dbid,
    timeoutMs: timeout,
    copy,
    replace,
    auth,
    candidates: args.slice(firstKey, firstKey + numKeys),
  };
}

function migrate(ctx: CommandContext, args: string[]): Reply | NoReply {
  const parsed = parseMigrate(args);
  if (parsed instanceof ErrorReply) return parsed;
  // lookupKeyRead: expired keys read as missing; when none is here there is nothing to move.
  const keys = parsed.candidates.filter((key) => ctx.db.lookup(key) !== undefined);
  if (keys.length === 0) return NOKEY;
  const { server, client, db } = ctx;
  if (server.inNestedCall || client.multi !== null) return ERR_NESTED;
  // What MIGRATE changes propagates later, as the DEL of the keys moved (migrate-run.ts).
  ctx.suppressPropagation();
  client.blocked = { keys: [], deadline: 0, retry: () => undefined, timeoutReply: 0 };
  const { candidates: _candidates, ...request } = parsed;
  const started = performance.now();
  void runMigrate(server, db, { ...request, keys })
    .catch((error: unknown) => new ErrorReply(`ERR MIGRATE failed: ${(error as Error).message}`))
    .then((reply) => {
      client.blocked = null;
      logIfSlow(ctx, args, Math.round((performance.now() - started) * 1000));
      client.sink.push(reply);
      client.sink.resume();
    });
  return NO_REPLY;
}

/**
 * The slow log skips a parked command when it returns; Redis's MIGRATE is logged with the whole
 * time it blocked, so ours is logged once the target answered (slowlogPushCurrentCommand).
 */
function logIfSlow(ctx: CommandContext, args: string[], durationUs: number): void {
  const { server, client } = ctx;
  const threshold = server.config.num('slowlog-log-slower-than');
  if (threshold < 0 || durationUs < threshold) return;
  const entry = { time: Math.floor(clock.now() / 1000), durationUs, args: trimmedArgs(redacted(args)), addr: client.addr, name: client.name };
  slowlogOf(server).push(entry, server.config.num('slowlog-max-len'));
}

export const migrateCommands: CommandSpec[] = [
  command('migrate', -6, ['write', 'movablekeys'], migrate, { first: 3, last: 3, step: 1 }, {
    summary: 'Atomically transfer a key from a Redis instance to another one.',
  }),
  command('restore-asking', -4, ['write', 'denyoom', 'asking'], restore, KEY1, {
    summary: 'An internal command for migrating keys in a cluster',
  }),
];
