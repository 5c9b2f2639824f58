// The `oom` step of the request path (redis-server 7.0 processCommand, "Handle the maxmemory
// directive"): with maxmemory set, every command first lets eviction run (evict.ts); if memory is
// still over the limit with nothing left to evict, a denyoom command is refused with -OOM, and so
// is anything queued inside MULTI except EXEC / DISCARD / QUIT / RESET (queueing itself takes
// memory); EXEC is refused when its queue holds a denyoom command. Scripts refuse their first
// denyoom command when the command that ran them was out of memory (scriptOomRefusal). Also what
// the cron does for maxmemory: refresh the LRU clock and settle the keyspace accounting.

import { ERR_OOM } from '../base/errors.js';
import type { CommandFlag, CommandSpec } from '../base/command-spec.js';
import type { Request, RequestCheck } from '../request/request-path.js';
import type { Server } from '../server.js';
import { Evictor } from './evict.js';

/** What may still run inside MULTI when out of memory (they are not queued). */
const MULTI_EXEMPT = new Set(['exec', 'discard', 'quit', 'reset']);

const evictors = new WeakMap<Server, Evictor>();

/** The server's evictor, created on first use. */
export function evictorOf(server: Server): Evictor {
  let evictor = evictors.get(server);
  if (!evictor) evictors.set(server, (evictor = new Evictor(server)));
  return evictor;
}

function flagsOf(server: Server, spec: CommandSpec, args: string[]): readonly CommandFlag[] {
  return spec.flagsFor?.(server, args) ?? spec.flags;
}

/** is_denyoom_command / reject_cmd_on_oom of processCommand. */
function refusedOnOom({ server, client, spec, fullName, args }: Request): boolean {
  if (client.multi !== null) {
    if (!MULTI_EXEMPT.has(fullName)) return true;
    if (fullName === 'exec') return client.multi.some((queued) => flagsOf(server, queued.spec, queued.args).includes('denyoom'));
  }
  return flagsOf(server, spec, args).includes('denyoom');
}

/** The `oom` check: evict first, then refuse what would use more memory if that did not suffice. */
export function oomCheck(server: Server): RequestCheck {
  const evictor = evictorOf(server);
  return (request) => {
    if (evictor.maxmemory === 0 || server.busyScript) return undefined;
    const outOfMemory = evictor.perform() === 'fail';
    if (outOfMemory && refusedOnOom(request)) return ERR_OOM;
    evictor.preCommandOom = outOfMemory;
    return undefined;
  };
}

/**
 * script.c scriptVerifyOOM: a denyoom command called from a script is refused when the command
 * that ran the script found memory over the limit, unless the script declared allow-oom, it was
 * sent by our master (a replica must apply it), or it already wrote (it cannot stop half-way).
 */
export function scriptOomRefusal(server: Server, fromMaster: boolean, allowOom: boolean, wroteDirty: boolean, spec: CommandSpec): boolean {
  const evictor = evictors.get(server);
  if (evictor === undefined || evictor.maxmemory === 0 || allowOom || fromMaster || wroteDirty) return false;
  return evictor.preCommandOom && spec.flags.includes('denyoom');
}

/** scriptPrepareForRun: a shebang script without allow-oom / no-writes may not start while out of memory. */
export function outOfMemoryAtCommandStart(server: Server): boolean {
  const evictor = evictors.get(server);
  return evictor !== undefined && evictor.maxmemory !== 0 && evictor.preCommandOom;
}

/** The cron's part: Redis serverCron refreshes server.lruclock; we also settle used_memory. */
export function maxmemoryCronTask(server: Server): (now: number) => void {
  return (now) => {
    server.accessClock.refresh(now);
    server.memory.settle();
  };
}
