// The write-safety wing's steps in the request path: the `fencing` check (a fenced master refuses
// every write, whatever else holds) and the `confirmed-replies` reply policy (confirm-hold.ts).

import { SENTINEL_NAME_PREFIX } from '../../shared/fencing-contract.js';
import type { Client } from '../clients/client.js';
import type { ReplyPolicy, RequestCheck } from '../request/request-path.js';
import type { ConfirmHold } from './confirm-hold.js';
import type { Fence } from './fence.js';
import type { Server } from '../server.js';

/** Writes from anyone but this node's master (a replica applies its master's stream as it comes). */
export function fencingCheck(fence: Fence): RequestCheck {
  return ({ server, client, traits }) => (traits.write && !client.isMaster ? fence.check(server.now()) : undefined);
}

/**
 * Who never waits for a confirmation: the master link and replicas (replication traffic), and the
 * sentinels — a hello PUBLISH is propagated like a write, but holding its reply would hold the
 * heartbeats pipelined behind it, the very confirmations the hold waits for.
 */
export function neverHeld(client: Client): boolean {
  return client.isMaster || client.isReplica || client.name.startsWith(SENTINEL_NAME_PREFIX);
}

export function confirmedRepliesPolicy(confirmHold: ConfirmHold, server: Server): ReplyPolicy {
  return (client, reply) => (neverHeld(client) ? reply : confirmHold.hold(client, reply, server.now()));
}
