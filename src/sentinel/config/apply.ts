// Applies the queued `sentinel ...` statements of a sentinel.conf to a fresh core, as Redis 7.0's
// sentinelHandleConfiguration does: the same argument counts, the same checks, the same error texts
// (reported with the statement's own line), and no events or saves while loading.

import { makeAddress } from '../core/address.js';
import { addMaster, addReplica, addSentinel, masterSettings } from '../core/instances.js';
import type { SentinelCore } from '../core/sentinel-core.js';
import type { MasterInstance } from '../core/types.js';
import { ConfigError, type SentinelStatement, atoi, strtoull, yesNo } from './parse.js';

export interface ApplyOptions {
  /** access(path, X_OK) for notification-script / client-reconfig-script. */
  executable: (path: string) => boolean;
}

export function applyStatements(core: SentinelCore, statements: SentinelStatement[], options: ApplyOptions): void {
  for (const statement of statements) {
    const error = applyStatement(core, statement.args, options);
    if (error) throw new ConfigError(statement.lineNumber, statement.line, error);
  }
}

const NO_MASTER = 'No such master with specified name.';

/** One statement; returns Redis's error text when it is refused. */
export function applyStatement(core: SentinelCore, args: string[], options: ApplyOptions): string | null {
  const sub = args[0]!.toLowerCase();
  const n = args.length;
  const global = applyGlobal(core, sub, args);
  if (global !== undefined) return global;
  if (sub === 'monitor' && n === 5) {
    const quorum = atoi(args[4]!);
    if (quorum <= 0) return 'Quorum must be 1 or greater.';
    const address = makeAddress(core, args[2]!, atoi(args[3]!), true);
    if (!address) return atoi(args[3]!) < 0 || atoi(args[3]!) > 65535 ? 'Invalid port number.' : "Can't resolve instance hostname.";
    if (core.masters.has(args[1]!)) return 'Duplicate master name.';
    addMaster(core, args[1]!, address, masterSettings(core, quorum));
    return null;
  }
  const arity = PER_MASTER[sub];
  if (arity === undefined || !arity.includes(n)) return 'Unrecognized sentinel configuration statement.';
  const master = core.masters.get(args[1]!);
  if (!master) return NO_MASTER;
  return applyToMaster(core, master, sub, args.slice(2), options);
}

/** The sentinel-wide statements; undefined when `sub` is not one of them (or has the wrong count). */
function applyGlobal(core: SentinelCore, sub: string, args: string[]): string | null | undefined {
  if (args.length !== 2) return undefined;
  const value = args[1]!;
  const s = core.settings;
  switch (sub) {
    case 'current-epoch':
      core.currentEpoch = Math.max(core.currentEpoch, strtoull(value));
      return null;
    case 'myid':
      if (value.length !== 40) return 'Malformed Sentinel id in myid option.';
      core.myid = value;
      return null;
    case 'announce-ip':
      if (value !== '') s.announceIp = value;
      return null;
    case 'announce-port':
      s.announcePort = atoi(value);
      return null;
    case 'sentinel-user':
      if (value !== '') s.sentinelUser = value;
      return null;
    case 'sentinel-pass':
      if (value !== '') s.sentinelPass = value;
      return null;
    case 'deny-scripts-reconfig':
    case 'resolve-hostnames':
    case 'announce-hostnames': {
      const yes = yesNo(value);
      if (yes === null) return sub === 'deny-scripts-reconfig' ? 'Please specify yes or no for the deny-scripts-reconfig options.' : `Please specify yes or no for the ${sub} option.`;
      if (sub === 'deny-scripts-reconfig') s.denyScriptsReconfig = yes;
      else if (sub === 'resolve-hostnames') s.resolveHostnames = yes;
      else s.announceHostnames = yes;
      return null;
    }
    default:
      return undefined;
  }
}

/** Per-master statements and the argument counts (with `sentinel` left out) Redis accepts. */
const PER_MASTER: Record<string, number[]> = {
  'down-after-milliseconds': [3],
  'failover-timeout': [3],
  'parallel-syncs': [3],
  'notification-script': [3],
  'client-reconfig-script': [3],
  'auth-pass': [3],
  'auth-user': [3],
  'config-epoch': [3],
  'leader-epoch': [3],
  'known-slave': [4],
  'known-replica': [4],
  'known-sentinel': [4, 5],
  'rename-command': [4],
  'master-reboot-down-after-period': [3],
};

function applyToMaster(core: SentinelCore, master: MasterInstance, sub: string, rest: string[], options: ApplyOptions): string | null {
  const s = master.settings;
  const value = rest[0]!;
  switch (sub) {
    case 'down-after-milliseconds':
      s.downAfterMs = atoi(value);
      return s.downAfterMs <= 0 ? 'negative or zero time parameter.' : null;
    case 'failover-timeout':
      s.failoverTimeoutMs = atoi(value);
      return s.failoverTimeoutMs <= 0 ? 'negative or zero time parameter.' : null;
    case 'parallel-syncs':
      s.parallelSyncs = atoi(value);
      return null;
    case 'notification-script':
      if (!options.executable(value)) return 'Notification script seems non existing or non executable.';
      s.notificationScript = value;
      return null;
    case 'client-reconfig-script':
      if (!options.executable(value)) return 'Client reconfiguration script seems non existing or non executable.';
      s.clientReconfigScript = value;
      return null;
    case 'auth-pass':
      s.authPass = value;
      return null;
    case 'auth-user':
      s.authUser = value;
      return null;
    case 'config-epoch':
      master.configEpoch = strtoull(value);
      core.currentEpoch = Math.max(core.currentEpoch, master.configEpoch);
      return null;
    case 'leader-epoch':
      master.leaderEpoch = strtoull(value);
      return null;
    case 'master-reboot-down-after-period':
      s.masterRebootDownAfterMs = atoi(value);
      return s.masterRebootDownAfterMs < 0 ? 'negative time parameter.' : null;
    case 'rename-command':
      if (s.renamedCommands.some(([from]) => from.toLowerCase() === value.toLowerCase())) return 'Same command renamed multiple times with rename-command.';
      s.renamedCommands.push([value, rest[1]!]);
      return null;
    default:
      return applyKnown(core, master, sub, rest);
  }
}

/** known-replica / known-slave / known-sentinel: the persisted view of the master's neighbours. */
function applyKnown(core: SentinelCore, master: MasterInstance, sub: string, rest: string[]): string | null {
  const port = atoi(rest[1]!);
  const refused = (duplicate: string) => (port < 0 || port > 65535 ? 'Invalid port number.' : makeAddress(core, rest[0]!, port, true) ? duplicate : "Can't resolve instance hostname.");
  if (sub !== 'known-sentinel') return addReplica(core, master, rest[0]!, port) ? null : refused('Duplicate hostname and port for replica.');
  // The old form without a run id is ignored, as Redis does; and never ourselves.
  if (rest.length !== 3 || rest[2] === core.myid) return null;
  return addSentinel(core, master, rest[2]!, rest[0]!, port) ? null : refused('Duplicate runid for sentinel.');
}
