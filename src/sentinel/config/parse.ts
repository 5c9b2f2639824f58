// Reads a sentinel.conf as redis-sentinel 7.0 does: the server directives a sentinel uses apply at
// once, other redis.conf directives are accepted and ignored, and every `sentinel ...` statement is
// queued (queueSentinelConfig) in three groups applied in order after the whole file is read:
// sentinel-wide settings (myid, announce-*, resolve-hostnames, ...), then the monitors, then the
// rest. So a file whose per-master lines come before their `sentinel monitor` line — as
// redis-sentinel writes it after SENTINEL SET + FLUSHCONFIG — loads. apply.ts applies the queue.

import { REDIS_DIRECTIVE_NAMES } from '../../shared/directive-names.js';
import { splitArgs } from '../../shared/resp/request-parser.js';

/** One `sentinel ...` line: its arguments after `sentinel`, and where it was (for the fatal error). */
export interface SentinelStatement {
  args: string[];
  lineNumber: number;
  line: string;
}

export interface SentinelConfig {
  port: number;
  bind: string[];
  dir: string | null;
  logfile: string;
  pidfile: string | null;
  loglevel: string;
  requirepass: string | null;
  /** In the order they apply. */
  statements: SentinelStatement[];
}

export class ConfigError extends Error {
  constructor(readonly lineNumber: number, readonly line: string, readonly reason: string) {
    super(`\n*** FATAL CONFIG FILE ERROR (clusterctl-sentinel) ***\nReading the configuration file, at line ${lineNumber}\n>>> '${line}'\n${reason}`);
  }
}

/** preMonitorCfgName of sentinel.c: applied before any monitor line. */
const PRE_MONITOR = new Set(['announce-ip', 'announce-port', 'deny-scripts-reconfig', 'sentinel-user', 'sentinel-pass', 'current-epoch', 'myid', 'resolve-hostnames', 'announce-hostnames']);

export function parseConfig(text: string): SentinelConfig {
  const config: SentinelConfig = { port: 26379, bind: [], dir: null, logfile: '', pidfile: null, loglevel: 'notice', requirepass: null, statements: [] };
  const queues: SentinelStatement[][] = [[], [], []];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const args = splitArgs(line);
    const fail = (reason: string): never => {
      throw new ConfigError(index + 1, line, reason);
    };
    if (!args) return fail('Unbalanced quotes in configuration line');
    if (args.length === 0) return;
    const [name, ...values] = args as [string, ...string[]];
    const directive = name.toLowerCase();
    if (directive === 'sentinel') {
      // A bare `sentinel` line (redis-server --sentinel style) says nothing new.
      if (values.length === 0) return;
      const sub = values[0]!.toLowerCase();
      const queue = sub === 'monitor' ? 1 : PRE_MONITOR.has(sub) ? 0 : 2;
      queues[queue]!.push({ args: values, lineNumber: index + 1, line });
      return;
    }
    if (!applyServerDirective(config, directive, values) && !REDIS_DIRECTIVE_NAMES.has(directive)) {
      fail('Bad directive or wrong number of arguments');
    }
  });
  config.statements = queues.flat();
  return config;
}

/** Returns true when the directive is one the sentinel uses (and was valid). */
function applyServerDirective(config: SentinelConfig, directive: string, values: string[]): boolean {
  const one = values.length === 1 ? values[0]! : null;
  switch (directive) {
    case 'port':
      if (one === null || !/^\d+$/.test(one) || Number(one) > 65535) return false;
      config.port = Number(one);
      return true;
    case 'bind':
      config.bind = values;
      return true;
    case 'dir':
      config.dir = one;
      return one !== null;
    case 'logfile':
      config.logfile = one ?? '';
      return one !== null;
    case 'pidfile':
      config.pidfile = one;
      return one !== null;
    case 'loglevel':
      config.loglevel = one ?? 'notice';
      return one !== null;
    case 'requirepass':
      config.requirepass = one === '' ? null : one;
      return one !== null;
    default:
      return false;
  }
}

/** C's atoi: optional blanks and sign, then the leading digits (0 when there are none). */
export function atoi(text: string): number {
  const match = /^\s*([+-]?\d+)/.exec(text);
  if (!match) return 0;
  const value = Number(match[1]);
  // An int overflows in C; keep within 32 bits as atoi would on this platform.
  return Math.max(-2147483648, Math.min(2147483647, value));
}

/** strtoull(text, NULL, 10) for epochs: leading digits, 0 when none. */
export function strtoull(text: string): number {
  const match = /^\s*\+?(\d+)/.exec(text);
  return match ? Number(match[1]) : 0;
}

/** Redis's yesnotoi: 1, 0, or -1 for anything else. */
export function yesNo(text: string): boolean | null {
  const lower = text.toLowerCase();
  return lower === 'yes' ? true : lower === 'no' ? false : null;
}
