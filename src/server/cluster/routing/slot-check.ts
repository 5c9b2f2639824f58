// Owns the request path's `cluster-redirect` step (Redis 7.0 server.c processCommand, the block
// after the ACL check): in cluster mode every request with keys — and every EXEC, with the keys of
// its whole queue — is routed by routeQuery; what is not served here is answered MOVED / ASK /
// CROSSSLOT / TRYAGAIN / CLUSTERDOWN. Commands from our master are obeyed without a check.
// Scripts route by their declared keys (EVAL / FCALL numkeys), as the key functions give them.

import type { CommandSpec } from '../../base/command-spec.js';
import type { Client } from '../../clients/client.js';
import type { RequestCheck } from '../../request/request-path.js';
import { discardTransaction } from '../../request/transaction-state.js';
import type { Server } from '../../server.js';
import { clusterStateOf } from '../cluster-registry.js';
import type { ClusterState } from '../state/cluster-state.js';
import { routingKeys } from './command-keys.js';
import { setRequestSlot } from './request-slot.js';
import { redirectReply, type EndpointType } from './redirect-reply.js';
import { routeQuery, type RouteVerdict } from './route-query.js';

const SHARD_PUBSUB = new Set(['ssubscribe', 'sunsubscribe', 'spublish']);

/** The flags the command runs with (getCommandFlags: a script's own flags for EVAL / FCALL). */
function ownFlags(server: Server, spec: CommandSpec, args: string[]): readonly string[] {
  return spec.flagsFor?.(server, args) ?? spec.flags;
}

/** Whether a key exists in db 0, without touching, counting or expiring it (LOOKUP_NOEXPIRE & co). */
function existsInDb0(server: Server): (key: string) => boolean {
  const db = server.db(0);
  return (key) => db.data.has(key) && !db.isExpired(key);
}

/**
 * Routes a command line for `client` (getNodeByQuery): `queue` is the MULTI queue when the command
 * is an EXEC inside MULTI. Also used by the script check and by tests.
 */
export function routeRequest(
  server: Server,
  state: ClusterState,
  client: Client,
  request: { spec: CommandSpec; fullName: string; args: string[]; writeWithQueue: boolean },
  queue: readonly { spec: CommandSpec; fullName: string; args: string[] }[] | undefined,
): RouteVerdict {
  const { spec, fullName, args } = request;
  const commands = queue ?? [{ spec, fullName, args }];
  const flags = ownFlags(server, spec, args);
  return routeQuery(state, {
    commandKeys: commands.map((c) => routingKeys(c.spec, c.fullName, c.args)),
    write: flags.includes('write'),
    writeWithQueue: request.writeWithQueue,
    askingCommand: flags.includes('asking'),
    pubsubShard: SHARD_PUBSUB.has(fullName),
    migrate: fullName === 'migrate',
    asking: client.asking,
    readonly: client.readonlyCluster,
    allowReadsWhenDown: server.config.bool('cluster-allow-reads-when-down'),
    allowPubsubShardWhenDown: server.config.bool('cluster-allow-pubsubshard-when-down'),
    exists: existsInDb0(server),
  });
}

/** The request path's `cluster-redirect` check; passes everything while cluster mode is off. */
export function clusterSlotCheck(server: Server): RequestCheck {
  return ({ client, spec, fullName, args, traits }) => {
    const state = clusterStateOf(server);
    // mustObeyClient: what our master sends is applied whatever the slot table says.
    if (state === undefined || client.isMaster) return undefined;
    const isExec = fullName === 'exec';
    // EXEC outside MULTI only answers its own error.
    if (isExec && client.multi === null) return undefined;
    const queue = isExec ? client.multi! : undefined;
    const verdict = routeRequest(server, state, client, { spec, fullName, args, writeWithQueue: traits.write }, queue);
    if (verdict.kind === 'here') {
      // What a script run by this request may touch (script-keys.ts).
      setRequestSlot(client, verdict.slot);
      return undefined;
    }
    // Redis discards the transaction and answers the redirection itself, not EXECABORT (a queued
    // command refused here only flags the transaction, which EXEC then aborts).
    if (isExec) discardTransaction(server, client);
    return redirectReply(verdict, server.config.str('cluster-preferred-endpoint-type') as EndpointType);
  };
}
