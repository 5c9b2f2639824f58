// Owns the words of cluster redirections and refusals (Redis 7.0 cluster.c clusterRedirectClient
// and getPreferredEndpoint): MOVED / ASK name the slot and the node's preferred endpoint, the rest
// are fixed sentences clients match on.

import { ErrorReply } from '../../../shared/resp/reply.js';
import type { ClusterNode } from '../state/cluster-node.js';
import type { RouteVerdict } from './route-query.js';

export const ERR_CROSSSLOT = new ErrorReply("CROSSSLOT Keys in request don't hash to the same slot");
export const ERR_TRYAGAIN = new ErrorReply('TRYAGAIN Multiple keys request during rehashing of slot');
export const ERR_CLUSTERDOWN = new ErrorReply('CLUSTERDOWN The cluster is down');
export const ERR_CLUSTERDOWN_READONLY = new ErrorReply('CLUSTERDOWN The cluster is down and only accepts read commands');
export const ERR_UNBOUND = new ErrorReply('CLUSTERDOWN Hash slot not served');

export type EndpointType = 'ip' | 'hostname' | 'unknown-endpoint';

/** The address a redirection names (cluster-preferred-endpoint-type; "?" for a node without hostname). */
export function preferredEndpoint(node: ClusterNode, type: EndpointType): string {
  if (type === 'hostname') return node.hostname !== '' ? node.hostname : '?';
  if (type === 'unknown-endpoint') return '';
  return node.ip;
}

/** The error a verdict other than 'here' answers. */
export function redirectReply(verdict: Exclude<RouteVerdict, { kind: 'here' }>, endpointType: EndpointType): ErrorReply {
  switch (verdict.kind) {
    case 'crossslot':
      return ERR_CROSSSLOT;
    case 'tryagain':
      return ERR_TRYAGAIN;
    case 'down':
      return ERR_CLUSTERDOWN;
    case 'down-readonly':
      return ERR_CLUSTERDOWN_READONLY;
    case 'unbound':
      return ERR_UNBOUND;
    case 'moved':
    case 'ask':
      return new ErrorReply(
        `${verdict.kind === 'ask' ? 'ASK' : 'MOVED'} ${verdict.slot} ${preferredEndpoint(verdict.node, endpointType)}:${verdict.node.port}`,
      );
  }
}
