// SENTINEL SET <master> <option> <value> ...: per-master settings changed at run time, validated
// and persisted as Redis 7.0 sentinelSetCommand does, each change announced as a `+set` event.

import { ErrorReply, OK, type Reply } from '../../shared/resp/reply.js';
import type { MasterInstance } from '../core/types.js';
import type { CommandContext } from './host.js';

type Setter = (master: MasterInstance, value: string) => boolean;

const positive = (value: string) => (/^\d{1,15}$/.test(value) && Number(value) > 0 ? Number(value) : null);

const SETTERS: Record<string, Setter> = {
  'down-after-milliseconds': (m, v) => assign(positive(v), (n) => (m.settings.downAfterMs = n)),
  'failover-timeout': (m, v) => assign(positive(v), (n) => (m.settings.failoverTimeoutMs = n)),
  'parallel-syncs': (m, v) => assign(positive(v), (n) => (m.settings.parallelSyncs = n)),
  quorum: (m, v) => assign(positive(v), (n) => (m.settings.quorum = n)),
  'auth-pass': (m, v) => {
    m.settings.authPass = v === '' ? null : v;
    return true;
  },
  'auth-user': (m, v) => {
    m.settings.authUser = v === '' ? null : v;
    return true;
  },
  'master-reboot-down-after-period': (_m, v) => /^\d{1,15}$/.test(v),
};

function assign(value: number | null, apply: (n: number) => void): boolean {
  if (value === null) return false;
  apply(value);
  return true;
}

export function sentinelSet({ host }: CommandContext, args: string[]): Reply {
  const master = host.core.masters.get(args[2]!);
  if (!master) return new ErrorReply('ERR No such master with that name');
  let changed = false;
  let error: Reply | null = null;
  for (let i = 3; i < args.length; i += 2) {
    const option = args[i]!;
    const key = option.toLowerCase();
    const value = args[i + 1];
    if (key === 'notification-script' || key === 'client-reconfig-script') {
      error = new ErrorReply(
        'ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig configuration directive in your config file.',
      );
      break;
    }
    const setter = SETTERS[key];
    if (!setter || value === undefined) {
      error = new ErrorReply(`ERR Unknown option or number of arguments for SENTINEL SET '${option}'`);
      break;
    }
    if (!setter(master, value)) {
      error = new ErrorReply(`ERR Invalid argument '${value}' for SENTINEL SET '${option}'`);
      break;
    }
    changed = true;
    host.core.event('warning', '+set', master, `${key} ${key === 'auth-pass' ? '******' : value}`);
  }
  if (changed) host.core.save();
  host.flush();
  return error ?? OK;
}
