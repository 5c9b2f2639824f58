// Reads a sentinel.conf: the server directives a sentinel uses, every `sentinel ...` statement
// (redis-sentinel's, protocol doc 7.13), and Redis's fatal-error text for a line it cannot accept.
// Other redis.conf directives are accepted and ignored, as a sentinel ignores most of them.

import { isIP } from 'node:net';
import { REDIS_DIRECTIVE_NAMES } from '../../shared/directive-names.js';
import { splitArgs } from '../../shared/resp/request-parser.js';
import { DEFAULT_DOWN_AFTER, DEFAULT_FAILOVER_TIMEOUT, DEFAULT_PARALLEL_SYNCS } from '../core/constants.js';
import type { MasterSettings } from '../core/types.js';

export interface MasterConfig {
  name: string;
  host: string;
  port: number;
  settings: MasterSettings;
  configEpoch: number;
  leaderEpoch: number;
  knownReplicas: { host: string; port: number }[];
  knownSentinels: { host: string; port: number; runId: string }[];
}

export interface SentinelConfig {
  port: number;
  bind: string[];
  dir: string | null;
  logfile: string;
  pidfile: string | null;
  loglevel: string;
  requirepass: string | null;
  myid: string | null;
  currentEpoch: number;
  announceIp: string | null;
  announcePort: number;
  resolveHostnames: boolean;
  announceHostnames: boolean;
  masters: MasterConfig[];
}

export class ConfigError extends Error {
  constructor(readonly lineNumber: number, readonly line: string, readonly reason: string) {
    super(`\n*** FATAL CONFIG FILE ERROR (clusterctl-sentinel) ***\nReading the configuration file, at line ${lineNumber}\n>>> '${line}'\n${reason}`);
  }
}

export function defaultConfig(): SentinelConfig {
  return {
    port: 26379,
    bind: [],
    dir: null,
    logfile: '',
    pidfile: null,
    loglevel: 'notice',
    requirepass: null,
    myid: null,
    currentEpoch: 0,
    announceIp: null,
    announcePort: 0,
    resolveHostnames: false,
    announceHostnames: false,
    masters: [],
  };
}

export function defaultSettings(quorum: number): MasterSettings {
  return { quorum, downAfterMs: DEFAULT_DOWN_AFTER, failoverTimeoutMs: DEFAULT_FAILOVER_TIMEOUT, parallelSyncs: DEFAULT_PARALLEL_SYNCS, authPass: null, authUser: null };
}

export function parseConfig(text: string): SentinelConfig {
  const config = defaultConfig();
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const args = splitArgs(line);
    const fail = (reason: string): never => {
      throw new ConfigError(index + 1, line, reason);
    };
    if (!args || args.length === 0) return fail('Unbalanced quotes in configuration line');
    const [name, ...values] = args as [string, ...string[]];
    const directive = name.toLowerCase();
    if (directive === 'sentinel') {
      const reason = applySentinelStatement(config, values);
      if (reason) fail(reason);
      return;
    }
    if (!applyServerDirective(config, directive, values) && !REDIS_DIRECTIVE_NAMES.has(directive)) {
      fail('Bad directive or wrong number of arguments');
    }
  });
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

/** One `sentinel ...` statement; returns the Redis error text when it is refused. */
function applySentinelStatement(config: SentinelConfig, args: string[]): string | null {
  const sub = (args[0] ?? '').toLowerCase();
  const n = args.length;
  const master = (name: string | undefined) => config.masters.find((m) => m.name === name);
  const number = (text: string | undefined) => (text !== undefined && /^-?\d+$/.test(text) ? Number(text) : NaN);
  if (sub === 'monitor' && n === 5) {
    const quorum = number(args[4]);
    if (!(quorum >= 1)) return 'Quorum must be 1 or greater.';
    const port = number(args[3]);
    if (!(port >= 0 && port <= 65535)) return 'Invalid port number';
    if (master(args[1])) return 'Duplicated master name.';
    config.masters.push({ name: args[1]!, host: args[2]!, port, settings: defaultSettings(quorum), configEpoch: 0, leaderEpoch: 0, knownReplicas: [], knownSentinels: [] });
    return null;
  }
  if (sub === 'myid' && n === 2) {
    if (!/^[0-9a-fA-F]{40}$/.test(args[1]!)) return 'Malformed Sentinel id in myid option.';
    config.myid = args[1]!.toLowerCase();
    return null;
  }
  if (sub === 'current-epoch' && n === 2) {
    config.currentEpoch = Math.max(0, number(args[1]) || 0);
    return null;
  }
  if (sub === 'announce-ip' && n === 2) {
    config.announceIp = args[1] === '' ? null : args[1]!;
    return null;
  }
  if (sub === 'announce-port' && n === 2) {
    config.announcePort = number(args[1]) || 0;
    return null;
  }
  if ((sub === 'resolve-hostnames' || sub === 'announce-hostnames') && n === 2) {
    const yes = args[1]!.toLowerCase();
    if (yes !== 'yes' && yes !== 'no') return 'Please specify yes or no for the resolve-hostnames option.';
    if (sub === 'resolve-hostnames') config.resolveHostnames = yes === 'yes';
    else config.announceHostnames = yes === 'yes';
    return null;
  }
  if (['deny-scripts-reconfig', 'sentinel-user', 'sentinel-pass'].includes(sub) && n === 2) return null;
  const perMaster = new Set([
    'down-after-milliseconds', 'failover-timeout', 'parallel-syncs', 'auth-pass', 'auth-user', 'config-epoch', 'leader-epoch',
    'known-replica', 'known-slave', 'known-sentinel', 'rename-command', 'notification-script', 'client-reconfig-script',
    'master-reboot-down-after-period',
  ]);
  if (!perMaster.has(sub) || n < 3) return 'Unrecognized sentinel configuration statement.';
  const target = master(args[1]);
  if (!target) return 'No such master with specified name.';
  return applyMasterStatement(target, sub, args.slice(2), number);
}

function applyMasterStatement(target: MasterConfig, sub: string, rest: string[], number: (t: string | undefined) => number): string | null {
  const value = rest[0]!;
  const settings = target.settings;
  switch (sub) {
    case 'down-after-milliseconds':
      settings.downAfterMs = number(value);
      return settings.downAfterMs > 0 ? null : 'negative or zero time parameter.';
    case 'failover-timeout':
      settings.failoverTimeoutMs = number(value);
      return settings.failoverTimeoutMs > 0 ? null : 'negative or zero time parameter.';
    case 'parallel-syncs':
      settings.parallelSyncs = Math.max(1, number(value) || 1);
      return null;
    case 'auth-pass':
      settings.authPass = value;
      return null;
    case 'auth-user':
      settings.authUser = value;
      return null;
    case 'config-epoch':
      target.configEpoch = Math.max(0, number(value) || 0);
      return null;
    case 'leader-epoch':
      target.leaderEpoch = Math.max(0, number(value) || 0);
      return null;
    case 'known-replica':
    case 'known-slave':
      if (rest.length !== 2) return 'Wrong hostname or port for replica.';
      target.knownReplicas.push({ host: value, port: number(rest[1]) });
      return null;
    case 'known-sentinel':
      if (rest.length !== 3) return 'Wrong hostname or port for sentinel.';
      target.knownSentinels.push({ host: value, port: number(rest[1]), runId: rest[2]! });
      return null;
    default:
      // rename-command, scripts, reboot period: accepted, not acted upon.
      return null;
  }
}

/** With resolve-hostnames no (the default), addresses must be IP literals, as redis-sentinel requires. */
export function validHost(host: string, resolveHostnames: boolean): boolean {
  return isIP(host) !== 0 || (resolveHostnames && /^[A-Za-z0-9.-]+$/.test(host));
}
