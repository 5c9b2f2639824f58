// MONITOR's feed: which clients monitor, and the line each of them gets for every command call()
// runs (Redis replicationFeedMonitors, replication.c): `+<sec>.<usec> [<db> <addr>] "arg" ...`,
// arguments quoted as sdscatrepr quotes them, `lua` as the address of a script's commands.
// Admin and skip_monitor commands are left out after they run; EVAL and FCALL (skip_monitor) are
// fed before their script runs so the script's commands follow them, as eval.c / functions.c do.
// AUTH and HELLO AUTH passwords show as "(redacted)" (redactClientCommandArgument).

import { ErrorReply, SimpleString } from '../../shared/resp/reply.js';
import { clock } from '../base/clock.js';
import type { CommandSpec } from '../base/command-spec.js';
import type { Client } from '../clients/client.js';
import type { Server } from '../server.js';
import type { CallObserver, RequestCheck } from './request-path.js';

const monitorSets = new WeakMap<Server, Set<Client>>();

/** The clients in MONITOR mode on `server`, in the order they started (server.monitors). */
export function monitorsOf(server: Server): Set<Client> {
  let set = monitorSets.get(server);
  if (set === undefined) monitorSets.set(server, (set = new Set()));
  return set;
}

export function startMonitoring(server: Server, client: Client): void {
  client.monitoring = true;
  monitorsOf(server).add(client);
}

/** RESET and a closed connection end MONITOR mode (clearClientConnectionState, freeClient). */
export function stopMonitoring(server: Server, client: Client): void {
  if (!client.monitoring) return;
  client.monitoring = false;
  monitorsOf(server).delete(client);
}

/** The commands fed by their own handler in Redis (before the script runs) rather than by call(). */
const FED_BEFORE_RUN = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

/** The call observer that feeds `server`'s monitors; registered in main.ts. */
export function monitorObserver(server: Server): CallObserver {
  const monitors = monitorsOf(server);
  return {
    beforeCall(client, spec, args) {
      if (monitors.size === 0 || !FED_BEFORE_RUN.has(spec.name)) return;
      feedMonitors(server, monitors, client, args);
    },
    afterCall(client, spec, _fullName, args) {
      if (monitors.size === 0 || !shownAfterRun(spec)) return;
      feedMonitors(server, monitors, client, args);
    },
  };
}

function shownAfterRun(spec: CommandSpec): boolean {
  return !spec.flags.includes('admin') && !spec.flags.includes('skip_monitor');
}

function feedMonitors(server: Server, monitors: Set<Client>, client: Client, args: string[]): void {
  // Redis feeds nothing while loading (replicationFeedMonitors' fast path).
  if (server.loading) return;
  const line = new SimpleString(monitorLine(clock.now(), client.db, client.addr, redacted(args)));
  for (const monitor of monitors) {
    // Redis writes the monitor's own command after its reply: our sink would write it first, so
    // the line waits for the reply (in a pipelined batch, after the batch's replies).
    if (monitor === client) queueMicrotask(() => monitor.sink.push(line));
    else monitor.sink.push(line);
  }
}

/** One MONITOR line without its CRLF. An empty address is a script's client (`lua`). */
export function monitorLine(nowMs: number, db: number, addr: string, args: readonly string[]): string {
  const seconds = Math.floor(nowMs / 1000);
  const micros = Math.floor((nowMs - seconds * 1000) * 1000);
  const who = addr === '' ? 'lua' : addr;
  return `${seconds}.${String(micros).padStart(6, '0')} [${db} ${who}] ${args.map(quoteArg).join(' ')}`;
}

/** An argument as sdscatrepr writes it: quoted, C escapes, other unprintable bytes as \xNN. */
export function quoteArg(arg: string): string {
  let out = '"';
  for (let i = 0; i < arg.length; i++) {
    const code = arg.charCodeAt(i);
    const escape = C_ESCAPES[code];
    if (escape !== undefined) out += escape;
    else if (code >= 0x20 && code <= 0x7e) out += arg[i];
    else out += `\\x${(code & 0xff).toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

const C_ESCAPES: Record<number, string> = {
  0x5c: '\\\\',
  0x22: '\\"',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x07: '\\a',
  0x08: '\\b',
};

const REDACTED = '(redacted)';

/**
 * The arguments as MONITOR shows them: AUTH's password (and username) and HELLO's AUTH pair
 * replaced, as the handlers redact them in Redis before anything is logged.
 */
export function redacted(args: string[]): string[] {
  const name = args[0]!.toLowerCase();
  if (name === 'auth' && (args.length === 2 || args.length === 3)) {
    return args.length === 2 ? [args[0]!, REDACTED] : [args[0]!, REDACTED, REDACTED];
  }
  if (name === 'hello' && args.length >= 2) return redactedHello(args);
  if (name === 'migrate') return redactedMigrate(args);
  return args;
}

/** MIGRATE redacts AUTH / AUTH2 credentials as its option parsing reaches them (cluster.c migrateCommand). */
function redactedMigrate(args: string[]): string[] {
  const out = args.slice();
  for (let j = 6; j < out.length; j++) {
    const more = out.length - 1 - j;
    const option = out[j]!.toLowerCase();
    if (option === 'copy' || option === 'replace') continue;
    if (option === 'auth' && more >= 1) out[++j] = REDACTED;
    else if (option === 'auth2' && more >= 2) {
      out[j + 1] = REDACTED;
      out[j + 2] = REDACTED;
      j += 2;
    } else break;
  }
  return out;
}

/** HELLO redacts each AUTH pair it reaches, walking its options until one is unknown (networking.c). */
function redactedHello(args: string[]): string[] {
  const version = Number(args[1]);
  if (!/^-?\d+$/.test(args[1]!) || version < 2 || version > 3) return args;
  const out = args.slice();
  for (let j = 2; j < out.length; j++) {
    const more = out.length - 1 - j;
    const option = out[j]!.toLowerCase();
    if (option === 'auth' && more >= 2) {
      out[j + 1] = REDACTED;
      out[j + 2] = REDACTED;
      j += 2;
    } else if (option === 'setname' && more >= 1) {
      j++;
    } else {
      break;
    }
  }
  return out;
}

const REPLICA_KEYSPACE = new ErrorReply("ERR Replica can't interact with the keyspace");

/**
 * The `replica-keyspace` check: a replica's or a monitor's connection may run no read, write or
 * may_replicate command (processCommand, so that they cannot dodge CLIENT PAUSE); PING, INFO,
 * QUIT, RESET and the like still run.
 */
export const replicaKeyspaceCheck: RequestCheck = (request) => {
  const client = request.client;
  if (!client.monitoring && !client.isReplica) return undefined;
  const { traits, spec } = request;
  if (traits.write || traits.mayReplicate || spec.flags.includes('readonly')) return REPLICA_KEYSPACE;
  return undefined;
};
