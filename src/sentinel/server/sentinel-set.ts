// SENTINEL SET <master> <option> <value> ...: per-master settings changed at run time, validated
// and persisted as Redis 7.0 sentinelSetCommand does: options apply in turn, each announced as a
// `+set` event; the first bad one answers its error and leaves the earlier ones applied (and saved).

import { ErrorReply, OK, type Reply } from '../../shared/resp/reply.js';
import { EV } from '../core/events.js';
import type { MasterInstance } from '../core/types.js';
import type { CommandContext, SentinelHost } from './host.js';
import { NO_SUCH_MASTER, parseInteger, SAVE_FAILED } from './sentinel-replies.js';

/** What an option did: how many arguments it took (value included), or the error to answer. */
type Outcome = { took: number; redacted?: boolean } | { error: ErrorReply };

/** `values` are the arguments after the option name (at least one). */
type Setter = (host: SentinelHost, master: MasterInstance, option: string, values: string[]) => Outcome;

const SCRIPTS_DENIED = new ErrorReply(
  'ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig configuration directive in your Sentinel configuration',
);

/** A number Redis takes with getLongLongFromObject, within (0, ∞) or [0, ∞). */
function numberSetter(apply: (m: MasterInstance, n: number) => void, allowZero = false): Setter {
  return (_host, master, option, values) => {
    const n = parseInteger(values[0]!);
    if (n === null || n < 0 || (n === 0 && !allowZero)) return { error: badArgument(option, values[0]!) };
    apply(master, n);
    return { took: 1 };
  };
}

function scriptSetter(apply: (m: MasterInstance, path: string | null) => void, missing: string): Setter {
  return (host, master, _option, values) => {
    const path = values[0]!;
    if (host.core.settings.denyScriptsReconfig) return { error: SCRIPTS_DENIED };
    if (path !== '' && !host.executable(path)) return { error: new ErrorReply(`ERR ${missing}`) };
    apply(master, path === '' ? null : path);
    return { took: 1 };
  };
}

/** auth-pass / auth-user: the links to the master and its replicas reconnect with them (dropInstanceConnections). */
function authSetter(apply: (m: MasterInstance, value: string | null) => void, redacted: boolean): Setter {
  return (host, master, _option, values) => {
    apply(master, values[0] === '' ? null : values[0]!);
    host.dropLinks((instance) => instance === master || (instance.master === master && instance.kind === 'slave'));
    return { took: 1, redacted };
  };
}

const SETTERS: Record<string, Setter> = {
  'down-after-milliseconds': numberSetter((m, n) => (m.settings.downAfterMs = n)),
  'failover-timeout': numberSetter((m, n) => (m.settings.failoverTimeoutMs = n)),
  'parallel-syncs': numberSetter((m, n) => (m.settings.parallelSyncs = n)),
  'notification-script': scriptSetter((m, p) => (m.settings.notificationScript = p), 'Notification script seems non existing or non executable'),
  'client-reconfig-script': scriptSetter((m, p) => (m.settings.clientReconfigScript = p), 'Client reconfiguration script seems non existing or non executable'),
  'auth-pass': authSetter((m, v) => (m.settings.authPass = v), true),
  'auth-user': authSetter((m, v) => (m.settings.authUser = v), false),
  quorum: numberSetter((m, n) => (m.settings.quorum = n)),
  'rename-command': renameCommand,
  'master-reboot-down-after-period': numberSetter((m, n) => (m.settings.masterRebootDownAfterMs = n), true),
};

/** rename-command <old> <new>: replaces an earlier renaming; renaming to itself removes it. */
function renameCommand(_host: SentinelHost, master: MasterInstance, option: string, values: string[]): Outcome {
  const [from, to] = values as [string, string | undefined];
  if (to === undefined) return { took: -1 };
  if (from === '' || to === '') return { error: badArgument(option, to === '' ? to : from) };
  const table = master.settings.renamedCommands;
  const kept = table.filter(([name]) => name.toLowerCase() !== from.toLowerCase());
  if (from.toLowerCase() !== to.toLowerCase()) kept.push([from, to]);
  table.splice(0, table.length, ...kept);
  return { took: 2 };
}

function badArgument(option: string, value: string): ErrorReply {
  return new ErrorReply(`ERR Invalid argument '${value}' for SENTINEL SET '${option}'`);
}

export function sentinelSet({ host }: CommandContext, args: string[]): Reply {
  const master = host.core.masters.get(args[2]!);
  if (!master) return NO_SUCH_MASTER;
  let changes = 0;
  let error: ErrorReply | null = null;
  for (let i = 3; i < args.length && !error; ) {
    const option = args[i]!;
    const setter = SETTERS[option.toLowerCase()] as Setter | undefined;
    const outcome: Outcome = setter && i + 1 < args.length ? setter(host, master, option, args.slice(i + 1)) : { took: -1 };
    if ('error' in outcome) {
      error = outcome.error;
    } else if (outcome.took < 0) {
      error = new ErrorReply(`ERR Unknown option or number of arguments for SENTINEL SET '${option}'`);
    } else {
      const shown = args.slice(i, i + 1 + outcome.took).map((a, n) => (n === 1 && outcome.redacted ? '******' : a));
      host.core.event('warning', EV.set, master, shown.join(' '));
      changes++;
      i += 1 + outcome.took;
    }
  }
  if (changes > 0) host.core.save();
  const saved = host.flush();
  if (error) return error;
  return saved ? OK : SAVE_FAILED;
}
