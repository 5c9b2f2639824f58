// Owns the cluster rule for commands a script calls (Redis 7.0 script.c scriptVerifyClusterState):
// each redis.call is routed like a request of the caller (its ASKING / READONLY flags), and must be
// served here; unless the script allows cross-slot keys (an EVAL without shebang, or the
// allow-cross-slot-keys flag), every key it touches must hash to the slot of the request's
// declared keys, or of the first key it touched. Commands our master sends are obeyed.

import { ErrorReply } from '../../../shared/resp/reply.js';
import type { CommandSpec } from '../../base/command-spec.js';
import type { Client } from '../../clients/client.js';
import type { Server } from '../../server.js';
import { clusterStateOf } from '../cluster-registry.js';
import { requestSlotOf, setRequestSlot } from './request-slot.js';
import { routeRequest } from './slot-check.js';

const ERR_DOWN_READONLY = new ErrorReply('ERR Script attempted to execute a write command while the cluster is down and readonly');
const ERR_DOWN = new ErrorReply('ERR Script attempted to execute a command while the cluster is down');
const ERR_NOT_LOCAL = new ErrorReply('ERR Script attempted to access a non local key in a cluster node');
const ERR_CROSS_SLOT = new ErrorReply('ERR Script attempted to access keys that do not hash to the same slot');

/** Why a script's call may not run on this node, or undefined when it may. */
export function scriptClusterRefusal(
  server: Server,
  caller: Client,
  spec: CommandSpec,
  fullName: string,
  args: string[],
  allowCrossSlot: boolean,
): ErrorReply | undefined {
  const state = clusterStateOf(server);
  if (state === undefined || caller.isMaster) return undefined;
  const write = spec.flags.includes('write');
  const verdict = routeRequest(server, state, caller, { spec, fullName, args, writeWithQueue: write }, undefined);
  if (verdict.kind === 'down-readonly') return ERR_DOWN_READONLY;
  if (verdict.kind === 'down') return ERR_DOWN;
  if (verdict.kind !== 'here') return ERR_NOT_LOCAL;
  if (verdict.slot === undefined || allowCrossSlot) return undefined;
  const slot = requestSlotOf(caller);
  if (slot === undefined) {
    setRequestSlot(caller, verdict.slot);
    return undefined;
  }
  return slot === verdict.slot ? undefined : ERR_CROSS_SLOT;
}
