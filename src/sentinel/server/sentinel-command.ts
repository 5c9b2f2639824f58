// SENTINEL <subcommand>: argument checks, error texts and reply shapes of Redis 7.0 sentinelCommand
// (protocol doc 8.1). Decisions are the core's (core/admin.ts); this file only speaks the protocol.

import { isIP } from 'node:net';
import { checkQuorum, forceFailover, isMasterDownByAddr, monitor, remove, reset } from '../core/admin.js';
import { currentMasterAddress } from '../core/instances.js';
import type { MasterInstance } from '../core/types.js';
import { defaultSettings } from '../config/parse.js';
import { ErrorReply, NULL_ARRAY, OK, type Reply, SimpleString } from '../../shared/resp/reply.js';
import type { CommandContext } from './host.js';
import { instanceMap } from './instance-maps.js';
import { sentinelSet } from './sentinel-set.js';

const NO_SUCH_MASTER = new ErrorReply('ERR No such master with that name');
const NOT_INTEGER = new ErrorReply('ERR value is not an integer or out of range');

type Sub = { arity: number; run: (ctx: CommandContext, args: string[]) => Reply };

const SUBCOMMANDS: Record<string, Sub> = {
  masters: { arity: 2, run: ({ host }) => [...host.core.masters.values()].map((m) => instanceMap(m, Date.now())) },
  master: { arity: 3, run: ({ host }, args) => withMaster(host.core.masters, args[2]!, (m) => instanceMap(m, Date.now())) },
  replicas: { arity: 3, run: ({ host }, args) => withMaster(host.core.masters, args[2]!, replicasOf) },
  slaves: { arity: 3, run: ({ host }, args) => withMaster(host.core.masters, args[2]!, replicasOf) },
  sentinels: {
    arity: 3,
    run: ({ host }, args) => withMaster(host.core.masters, args[2]!, (m) => [...m.sentinels.values()].map((s) => instanceMap(s, Date.now()))),
  },
  myid: { arity: 2, run: ({ host }) => host.core.myid },
  'get-master-addr-by-name': {
    arity: 3,
    run: ({ host }, args) => {
      const master = host.core.masters.get(args[2]!);
      if (!master) return NULL_ARRAY;
      const address = currentMasterAddress(master);
      return [address.host, String(address.port)];
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
      host.flush();
      return OK;
    },
  },
  set: { arity: -3, run: sentinelSet },
  flushconfig: {
    arity: 2,
    run: ({ host }) => (host.saveConfig() ? OK : new ErrorReply('ERR Failed to save config file. Check server logs.')),
  },
  'info-cache': { arity: -2, run: infoCache },
  'pending-scripts': { arity: 2, run: () => [] },
  help: { arity: 2, run: () => HELP },
};

export function sentinelCommand(ctx: CommandContext, args: string[]): Reply {
  const name = args[1]!.toLowerCase();
  const sub = SUBCOMMANDS[name];
  if (!sub) return new ErrorReply(`ERR unknown subcommand '${args[1]}'. Try SENTINEL HELP.`);
  if ((sub.arity > 0 && args.length !== sub.arity) || args.length < Math.abs(sub.arity)) {
    return new ErrorReply(`ERR wrong number of arguments for 'sentinel|${name}' command`);
  }
  return sub.run(ctx, args);
}

function withMaster(masters: Map<string, MasterInstance>, name: string, fn: (m: MasterInstance) => Reply): Reply {
  const master = masters.get(name);
  return master ? fn(master) : NO_SUCH_MASTER;
}

/** Replicas announced with `replica-announced no` are left out, as Redis does. */
function replicasOf(master: MasterInstance): Reply {
  return [...master.replicas.values()].filter((r) => r.replicaAnnounced).map((r) => instanceMap(r, Date.now()));
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

function monitorCommand({ host }: CommandContext, args: string[]): Reply {
  const [, , name, address, portText, quorumText] = args as [string, string, string, string, string, string];
  const quorum = parseInteger(quorumText);
  if (quorum === null) return new ErrorReply('ERR Invalid quorum');
  if (quorum <= 0) return new ErrorReply('ERR Quorum must be 1 or greater.');
  const port = parseInteger(portText);
  if (port === null || port <= 0 || port > 65535) return new ErrorReply('ERR Invalid port');
  if (isIP(address) === 0 && !(host.resolveHostnames && /^[A-Za-z0-9.-]+$/.test(address))) {
    return new ErrorReply('ERR Invalid IP address or hostname specified');
  }
  if (host.core.masters.has(name)) return new ErrorReply('ERR Duplicate master name.');
  monitor(host.core, name, address, port, defaultSettings(quorum));
  host.flush();
  return OK;
}

/** `[name, [[age ms, info text], ...]]` per master: the master first, then its replicas. */
function infoCache({ host }: CommandContext, args: string[]): Reply {
  const wanted = args.slice(2);
  const now = Date.now();
  const out: Reply[] = [];
  for (const master of host.core.masters.values()) {
    if (wanted.length > 0 && !wanted.includes(master.name)) continue;
    const entries = [master, ...master.replicas.values()].map((i) => (i.infoText === null ? null : [now - i.infoRefresh, i.infoText]));
    out.push(master.name, entries);
  }
  return out;
}

function parseInteger(text: string): number | null {
  return /^-?\d{1,18}$/.test(text) ? Number(text) : null;
}

const HELP = [
  'SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CKQUORUM <master-name>',
  'FAILOVER <master-name>',
  'FLUSHCONFIG',
  'GET-MASTER-ADDR-BY-NAME <master-name>',
  'INFO-CACHE <master-name>',
  'IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>',
  'MASTER <master-name>',
  'MASTERS',
  'MONITOR <name> <ip> <port> <quorum>',
  'MYID',
  'PENDING-SCRIPTS',
  'REMOVE <master-name>',
  'REPLICAS <master-name>',
  'RESET <pattern>',
  'SENTINELS <master-name>',
  'SET <master-name> <option> <value> [<option> <value> ...]',
  'HELP',
].map((line) => new SimpleString(line));
