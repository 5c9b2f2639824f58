// The network half of MIGRATE (Redis 7.0 cluster.c migrateCommand from "try_again" on): one
// pipelined request — AUTH when asked, SELECT when the cached link's db differs, one RESTORE (or
// RESTORE-ASKING) per key — then the replies read line by line. Outcomes follow Redis exactly:
//  - the name does not resolve: "connecting" (no retry);
//  - a write fails, or no reply at all could be read (AUTH, SELECT or the first RESTORE), for a
//    reason other than the timeout: the link is closed and the whole request tried once more on a
//    new link (a cached link to a target that restarted fails this way);
//  - a read fails after some RESTOREs were acknowledged: those keys still count as moved;
//  - an error line (AUTH's, SELECT's or a RESTORE's): the first one is the command's error, the
//    link's db becomes unknown, and every RESTORE that succeeded still counts as moved.
// The caller deletes the acknowledged keys and answers; nothing here touches the keyspace.

import { MigrateCache } from './migrate-cache.js';
import type { IoFailure, MigrateLink } from './migrate-link.js';

export interface TransferPlan {
  host: string;
  port: number;
  /** Timeout of each wait, in ms (already defaulted to 1000 when <= 0). */
  timeoutMs: number;
  dbid: number;
  /** ['AUTH', password] or ['AUTH', username, password], or none. */
  auth: string[] | undefined;
  /** One RESTORE / RESTORE-ASKING command per key, arguments as latin1 strings. */
  restores: string[][];
}

export interface TransferResult {
  /** Indexes into plan.restores of the RESTOREs the target acknowledged. */
  acked: number[];
  /** The first error line the target sent, without its leading '-'. */
  targetError?: string;
  /** Redis's IOERR wording: which step failed. */
  ioError?: 'connecting' | 'writing' | 'reading';
}

/** Redis's RESP request encoding (multibulk of bulk strings). */
function encode(commands: string[][]): string {
  let out = '';
  for (const command of commands) {
    out += `*${command.length}\r\n`;
    for (const arg of command) out += `$${Buffer.byteLength(arg, 'latin1')}\r\n${arg}\r\n`;
  }
  return out;
}

type Attempt = TransferResult | { retry: true };

/** Runs the plan on a cached link, retrying once as Redis does. */
export async function transfer(cache: MigrateCache, plan: TransferPlan): Promise<TransferResult> {
  let mayRetry = true;
  for (;;) {
    const link = await cache.get(plan.host, plan.port, plan.timeoutMs);
    if (link === null) return { acked: [], ioError: 'connecting' };
    const attempt = await attemptOnce(cache, link, plan, mayRetry);
    if (!('retry' in attempt)) return attempt;
    mayRetry = false;
  }
}

async function attemptOnce(cache: MigrateCache, link: MigrateLink, plan: TransferPlan, mayRetry: boolean): Promise<Attempt> {
  const select = link.lastDbid !== plan.dbid;
  const commands = [...(plan.auth ? [plan.auth] : []), ...(select ? [['SELECT', String(plan.dbid)]] : []), ...plan.restores];
  const written = await link.write(encode(commands), plan.timeoutMs);
  if (written !== 'ok') return socketFailed(cache, plan, written, mayRetry, 'writing');
  const authLine = plan.auth ? await link.readLine(plan.timeoutMs) : '';
  if (isFailure(authLine)) return socketFailed(cache, plan, authLine, mayRetry, 'reading');
  const selectLine = select ? await link.readLine(plan.timeoutMs) : '';
  if (isFailure(selectLine)) return socketFailed(cache, plan, selectLine, mayRetry, 'reading');
  return readRestoreReplies(cache, link, plan, authLine, selectLine, mayRetry);
}

async function readRestoreReplies(
  cache: MigrateCache,
  link: MigrateLink,
  plan: TransferPlan,
  authLine: string,
  selectLine: string,
  mayRetry: boolean,
): Promise<Attempt> {
  const acked: number[] = [];
  let targetError: string | undefined;
  let failure: IoFailure | undefined;
  let j = 0;
  for (; j < plan.restores.length; j++) {
    const line = await link.readLine(plan.timeoutMs);
    if (isFailure(line)) {
      failure = line;
      break;
    }
    const error = [authLine, selectLine, line].find((reply) => reply.startsWith('-'));
    if (error === undefined) {
      acked.push(j);
    } else if (targetError === undefined) {
      link.lastDbid = -1;
      targetError = error.slice(1);
    }
  }
  if (failure !== undefined) {
    // Nothing was read at all and it was not the timeout: start over on a new link.
    if (targetError === undefined && j === 0) return socketFailed(cache, plan, failure, mayRetry, 'reading');
    cache.close(plan.host, plan.port);
    if (targetError === undefined) return { acked, ioError: 'reading' };
  }
  if (targetError !== undefined) return { acked, targetError };
  link.lastDbid = plan.dbid;
  return { acked };
}

function isFailure(line: string | IoFailure): line is IoFailure {
  return line === 'timeout' || line === 'error';
}

/** Redis's socket_err label: close the link; retry unless it timed out or was retried already. */
function socketFailed(cache: MigrateCache, plan: TransferPlan, failure: IoFailure, mayRetry: boolean, step: 'writing' | 'reading'): Attempt {
  cache.close(plan.host, plan.port);
  if (failure !== 'timeout' && mayRetry) return { retry: true };
  return { acked: [], ioError: step };
}
