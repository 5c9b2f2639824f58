// What a node's link is, for matching partition rules: a sentinel (CLIENT SETNAME sentinel-<id>-cmd
// or -pubsub; its listening port comes from its hello messages), a replica (REPLCONF listening-port,
// PSYNC/SYNC), our own master link, or a client. A connection is identified by the command it is
// about to run too, so a sentinel or replica reconnecting during a partition is held from its
// identifying command on (Redis sentinels send CLIENT SETNAME first, replicas REPLCONF first).

import type { Socket } from 'node:net';
import type { Endpoint } from '../../shared/faults/spec.js';
import type { Client } from '../clients/client.js';
import { SENTINEL_LINK_NAME } from '../../shared/fencing-contract.js';


export type SentinelAddresses = ReadonlyMap<string, { host: string; port: number }>;

function remoteHost(socket: Socket | undefined): string | undefined {
  const address = socket?.remoteAddress;
  return address?.startsWith('::ffff:') ? address.slice(7) : address;
}

/** The name a command is about to give the connection (CLIENT SETNAME, HELLO ... SETNAME). */
function nameGiven(args: readonly string[] | undefined): string | undefined {
  if (!args || args.length < 3) return undefined;
  const cmd = args[0]!.toLowerCase();
  if (cmd === 'client' && args[1]!.toLowerCase() === 'setname') return args[2];
  if (cmd === 'hello') {
    for (let i = 2; i < args.length - 1; i++) if (args[i]!.toLowerCase() === 'setname') return args[i + 1];
  }
  return undefined;
}

export function clientEndpoint(client: Client, socket: Socket | undefined, sentinels: SentinelAddresses, args?: readonly string[]): Endpoint {
  const cmd = args?.[0]?.toLowerCase();
  const name = nameGiven(args) ?? client.name;
  let port = client.replListeningPort;
  if (cmd === 'replconf' && args![1]?.toLowerCase() === 'listening-port') port = Number(args![2]) || 0;
  if (client.isReplica || port > 0 || cmd === 'psync' || cmd === 'sync') {
    return { role: 'replica', name, host: client.replAnnouncedIp || remoteHost(socket), port };
  }
  const sentinel = SENTINEL_LINK_NAME.exec(name);
  if (sentinel) {
    const address = sentinels.get(sentinel[1]!);
    return { role: 'sentinel', name, host: address?.host, port: address?.port };
  }
  return { role: 'client', name };
}

/**
 * An unnamed connection's AUTH passes: the operator's CLI (and sentinels) authenticate before
 * they name themselves, and holding AUTH would hide the name that exempts them.
 */
export function isPreamble(client: Client, args: readonly string[]): boolean {
  return client.name === '' && args[0]!.toLowerCase() === 'auth';
}

/** A hello payload: `ip,port,runid,...` -> the sentinel's id (8 characters, as in its link names). */
export function parseHello(payload: string): { id: string; host: string; port: number } | undefined {
  const fields = payload.split(',');
  if (fields.length < 3) return undefined;
  const port = Number(fields[1]);
  if (!Number.isInteger(port) || port <= 0) return undefined;
  return { id: fields[2]!.slice(0, 8), host: fields[0]!, port };
}
