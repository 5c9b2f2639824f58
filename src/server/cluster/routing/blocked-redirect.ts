// Owns the redirection of clients blocked on keys whose slot this node no longer serves (Redis 7.0
// cluster.c clusterRedirectBlockedClientIfNeeded, run for every blocked client by clientsCron):
// a BLPOP left waiting on a slot that moved away would otherwise wait for a push that never comes
// here. The cluster failing unblocks them all with CLUSTERDOWN (even with reads allowed when down:
// a write would be needed to serve them).

import type { Client } from '../../clients/client.js';
import type { Server } from '../../server.js';
import { clusterStateOf } from '../cluster-registry.js';
import { keySlot } from '../../../shared/key-slot.js';
import { isReplica } from '../state/cluster-node.js';
import { ERR_CLUSTERDOWN, ERR_UNBOUND, redirectReply, type EndpointType } from './redirect-reply.js';
import type { ErrorReply } from '../../../shared/resp/reply.js';

/** Whether the command a client last ran (the one it blocks in) writes. */
function lastCommandWrites(server: Server, client: Client): boolean {
  const [name, sub] = client.lastCommand.split('|');
  let spec = server.commands.get(name!);
  if (spec && sub !== undefined) spec = spec.subcommands?.find((s) => s.name === sub);
  return spec?.flags.includes('write') ?? true;
}

/** The error to unblock a key-blocked client with, or undefined when it may keep waiting. */
function redirectionFor(server: Server, client: Client): ErrorReply | undefined {
  const state = clusterStateOf(server);
  const keys = client.blocked?.keys;
  if (!state || !keys || keys.length === 0) return undefined;
  if (state.health === 'fail') return ERR_CLUSTERDOWN;
  // All the keys of a command share a slot (the check saw to it): the first one decides.
  const slot = keySlot(keys[0]!);
  let owner = state.slots.owner(slot);
  const myself = state.myself;
  // A READONLY client reading (XREAD) on a replica of the slot's owner may stay.
  if (client.readonlyCluster && !lastCommandWrites(server, client) && isReplica(myself) && myself.masterId === owner) owner = myself.id;
  if (owner === myself.id || state.slots.importingFrom(slot) !== undefined) return undefined;
  if (owner === null) return ERR_UNBOUND;
  const node = state.node(owner);
  if (!node) return ERR_UNBOUND;
  return redirectReply({ kind: 'moved', slot, node }, server.config.str('cluster-preferred-endpoint-type') as EndpointType);
}

/** Unblocks, with their redirection, the blocked clients whose keys this node no longer serves. */
export function redirectBlockedClients(server: Server): void {
  if (!clusterStateOf(server) || server.blocking.blockedCount === 0) return;
  for (const client of server.clients.values()) {
    if (client.blocked === null) continue;
    const error = redirectionFor(server, client);
    if (error) server.blocking.unblock(client, error);
  }
}

/** Runs the sweep from the server cron (clientsCron visits every client about once a second). */
export function installBlockedRedirect(server: Server): void {
  server.addCronTask(() => redirectBlockedClients(server));
}
