// SENTINEL <subcommand>: the subcommand table with Redis 7.0's arities (src/commands/sentinel-*.json),
// argument checks, error texts and reply shapes of sentinelCommand (protocol doc 8.1). Decisions are
// the core's (core/admin.ts); this file and its neighbours only speak the protocol.

import { checkQuorum, forceFailover, isMasterDownByAddr, monitor, remove, reset } from '../core/admin.js';
import { shownHost } from '../core/address.js';
import { announcedReplicas, currentMasterAddress, masterSettings } from '../core/instances.js';
import type { MasterInstance } from '../core/types.js';
import { ErrorReply, NULL_ARRAY, OK, type Reply, SimpleString } from '../../shared/resp/reply.js';
import type { CommandContext } from './host.js';
import { instanceMap } from './instance-maps.js';
import { sentinelConfig } from './sentinel-config.js';
import { sentinelDebug, simulateFailure } from './sentinel-debug.js';
import { SENTINEL_HELP } from './sentinel-help.js';
import { infoCache, pendingScripts } from './sentinel-caches.js';
import { NO_SUCH_MASTER, NOT_INTEGER, parseInteger, SAVE_FAILED } from './sentinel-replies.js';
import { sentinelSet } from './sentinel-set.js';


type Sub = { arity: number; run: (ctx: CommandContext, args: string[]) => Reply };

const SUBCOMMANDS: Record<string, Sub> = {
  masters: { arity: 2, run: ({ host }) => [...host.core.masters.values()].map((m) => instanceMap(host.core, m, Date.now())) },
  master: { arity: 3, run: ({ host }, args) => withMaster(host.core.masters, args[2]!, (m) => instanceMap(host.core, m, Date.now())) },
  replicas: { arity: 3, run: replicas },
  slaves: { arity: 3, run: replicas },
  sentinels: { arity: 3, run: ({ host }, args) => withMaster(host.core.masters, args[2]!, (m) => [...m.sentinels.values()].map((s) => instanceMap(host.core, s, Date.now()))) },
  myid: { arity: 2, run: ({ host }) => host.core.myid },
  'get-master-addr-by-name': {
    arity: 3,
    run: ({ host }, args) => {
      const master = host.core.masters.get(args[2]!);
      if (!master) return NULL_ARRAY;
      const address = currentMasterAddress(master);
      return [shownHost(host.core, address), String(address.port)];
    },
  },
  'is-master-down-by-addr': { arity: 6, run: isMasterDown },
  failover: { arity: 3, run: failover },
  reset: {
    arity: 3,
    run: ({ host }, args) => {
      const count = reset(host.core, args[2]!);
      host.flush();
      return count;
    },
  },
  ckquorum: { arity: 3, run: ({ host }, args) => withMaster(host.core.masters, args[2]!, ckquorum) },
  monitor: { arity: 6, run: monitorCommand },
  remove: {
    arity: 3,
    run: ({ host }, args) => {
      if (!remove(host.core, args[2]!)) return NO_SUCH_MASTER;
      return host.flush() ? OK : SAVE_FAILED;
    },
  },
  set: { arity: -5, run: sentinelSet },
  config: { arity: -3, run: sentinelConfig },
  debug: { arity: -2, run: sentinelDebug },
  'simulate-failure': { arity: -3, run: simulateFailure },
  flushconfig: { arity: 2, run: ({ host }) => (host.saveConfig() ? OK : SAVE_FAILED) },
  'info-cache': { arity: -3, run: infoCache },
  'pending-scripts': { arity: 2, run: pendingScripts },
  help: { arity: 2, run: () => SENTINEL_HELP },
};

export function sentinelCommand(ctx: CommandContext, args: string[]): Reply {
  const name = args[1]!.toLowerCase();
  const sub = SUBCOMMANDS[name];
  if (!sub) return new ErrorReply(`ERR unknown subcommand '${args[1]!.slice(0, 128)}'. Try SENTINEL HELP.`);
  if ((sub.arity > 0 && args.length !== sub.arity) || args.length < Math.abs(sub.arity)) {
    return new ErrorReply(`ERR wrong number of arguments for 'sentinel|${name}' command`);
  }
  return sub.run(ctx, args);
}

export function withMaster(masters: Map<string, MasterInstance>, name: string, fn: (m: MasterInstance) => Reply): Reply {
  const master = masters.get(name);
  return master ? fn(master) : NO_SUCH_MASTER;
}

/** Replicas announced with `replica-announced no` are left out, as Redis does. */
function replicas({ host }: CommandContext, args: string[]): Reply {
  return withMaster(host.core.masters, args[2]!, (m) => announcedReplicas(m).map((r) => instanceMap(host.core, r, Date.now())));
}

function isMasterDown({ host }: CommandContext, args: string[]): Reply {
  const port = parseInteger(args[3]!);
  const epoch = parseInteger(args[4]!);
  if (port === null || epoch === null) return NOT_INTEGER;
  const [down, leader, leaderEpoch] = isMasterDownByAddr(host.core, args[2]!, port, epoch, args[5]!);
  // The vote is on disk before the answer leaves (sentinelVoteLeader flushes the config).
  host.flush();
  return [down, leader, leaderEpoch];
}

function failover({ host }: CommandContext, args: string[]): Reply {
  const result = forceFailover(host.core, args[2]!);
  host.flush();
  switch (result) {
    case 'no-such-master':
      return NO_SUCH_MASTER;
    case 'in-progress':
      return new ErrorReply('INPROG Failover already in progress');
    case 'no-good-slave':
      return new ErrorReply('NOGOODSLAVE No suitable replica to promote');
    default:
      return OK;
  }
}

function ckquorum(master: MasterInstance): Reply {
  const { usable, quorum, majority } = checkQuorum(master);
  if (quorum && majority) return new SimpleString(`OK ${usable} usable Sentinels. Quorum and failover authorization can be reached`);
  const reasons: string[] = [];
  if (!quorum) reasons.push('Not enough available Sentinels to reach the specified quorum for this master');
  if (!majority) reasons.push('Not enough available Sentinels to reach the majority and authorize a failover');
  return new ErrorReply(`NOQUORUM ${usable} usable Sentinels. ${reasons.join('. ')}`);
}

/** The checks in Redis's order: quorum and port are integers, quorum >= 1, then the address and the name. */
function monitorCommand({ host }: CommandContext, args: string[]): Reply {
  const [, , name, address, portText, quorumText] = args as [string, string, string, string, string, string];
  const quorum = parseInteger(quorumText);
  if (quorum === null) return new ErrorReply('ERR Invalid quorum');
  const port = parseInteger(portText);
  if (port === null) return new ErrorReply('ERR Invalid port');
  if (quorum <= 0) return new ErrorReply('ERR Quorum must be 1 or greater.');
  const result = monitor(host.core, name, address, port, masterSettings(host.core, quorum));
  if (typeof result === 'string') return new ErrorReply(`ERR ${result}`);
  return host.flush() ? OK : SAVE_FAILED;
}
