// The slow log (Redis slowlog.c): every command call() ran for at least slowlog-log-slower-than
// microseconds, newest first, at most slowlog-max-len entries. An entry keeps what Redis keeps:
// a growing id, the unix time, the duration, the arguments trimmed (32 of them, 128 bytes each),
// the client's address and name. Fed by a call observer registered in main.ts; SLOWLOG reads it.
// The latency monitor's `command` events come from call() the same way (commandLatencyObserver).

import { clock } from '../base/clock.js';
import { latencyEventsOf } from '../base/latency-events.js';
import { commandMeta } from '../base/command-metadata/index.js';
import type { Server } from '../server.js';
import { redacted } from './monitor-feed.js';
import type { CallObserver } from './request-path.js';

/** SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING of slowlog.h. */
export const SLOWLOG_MAX_ARGS = 32;
export const SLOWLOG_MAX_STRING = 128;

export interface SlowlogEntry {
  readonly id: number;
  /** Unix seconds when the entry was made. */
  readonly time: number;
  readonly durationUs: number;
  readonly args: readonly string[];
  readonly addr: string;
  readonly name: string;
}

export class Slowlog {
  /** Newest first. */
  entries: SlowlogEntry[] = [];
  private nextId = 0;

  push(entry: Omit<SlowlogEntry, 'id'>, maxLen: number): void {
    this.entries.unshift({ id: this.nextId++, ...entry });
    if (this.entries.length > maxLen) this.entries.length = maxLen;
  }

  /** SLOWLOG RESET: the entries go, the ids keep counting (slowlogReset). */
  reset(): void {
    this.entries = [];
  }
}

const slowlogs = new WeakMap<Server, Slowlog>();

export function slowlogOf(server: Server): Slowlog {
  let log = slowlogs.get(server);
  if (log === undefined) slowlogs.set(server, (log = new Slowlog()));
  return log;
}

/** The arguments as an entry keeps them: at most 32, the last saying how many more; long ones cut. */
export function trimmedArgs(args: readonly string[]): string[] {
  const kept = Math.min(args.length, SLOWLOG_MAX_ARGS);
  const out: string[] = [];
  for (let j = 0; j < kept; j++) {
    if (kept !== args.length && j === kept - 1) {
      out.push(`... (${args.length - kept + 1} more arguments)`);
    } else {
      const arg = args[j]!;
      out.push(arg.length > SLOWLOG_MAX_STRING ? `${arg.slice(0, SLOWLOG_MAX_STRING)}... (${arg.length - SLOWLOG_MAX_STRING} more bytes)` : arg);
    }
  }
  return out;
}

/**
 * The call observer that logs `server`'s slow commands (slowlogPushCurrentCommand); registered in
 * main.ts. The settings are read when CONFIG SET changes them, not on every command.
 */
export function slowlogObserver(server: Server): CallObserver {
  const config = server.config;
  const log = slowlogOf(server);
  let threshold = config.num('slowlog-log-slower-than');
  let maxLen = config.num('slowlog-max-len');
  config.onChange('slowlog-log-slower-than', (value) => (threshold = value as number));
  config.onChange('slowlog-max-len', (value) => (maxLen = value as number));
  return {
    afterCall(client, _spec, fullName, args, durationUs) {
      if (durationUs < threshold || threshold < 0) return;
      // A blocked command is logged by Redis when it is served; ours are served outside call().
      if (client.blocked !== null) return;
      if (commandMeta(fullName)?.flags.includes('skip_slowlog')) return;
      // A script's client has no socket: Redis names its peer `?:0`.
      const addr = client.addr === '' ? '?:0' : client.addr;
      const entry = { time: Math.floor(clock.now() / 1000), durationUs, args: trimmedArgs(redacted(args)), addr, name: client.name };
      log.push(entry, maxLen);
    },
  };
}

/**
 * The call observer of the latency monitor: a command that ran at least latency-monitor-threshold
 * ms is a `command` event, or `fast-command` for the fast ones (Redis call()).
 */
export function commandLatencyObserver(server: Server): CallObserver {
  const latency = latencyEventsOf(server);
  return {
    afterCall(_client, spec, _fullName, _args, durationUs) {
      if (latency.threshold === 0) return;
      latency.addIfNeeded(spec.flags.includes('fast') ? 'fast-command' : 'command', Math.floor(durationUs / 1000));
    },
  };
}
