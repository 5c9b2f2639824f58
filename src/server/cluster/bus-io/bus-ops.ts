// Owns the contract between the cluster bus (bus.ts) and the files that process what arrives
// (process-packet.ts, ping-in.ts): the link and node operations a message can ask for. Types only.

import type { PingType } from '../bus/messages.js';
import type { ClusterNode } from '../state/cluster-node.js';
import type { BusContext } from './bus-context.js';
import type { BusLink } from './bus-link.js';
import type { NotClaiming } from './slot-config.js';

export interface BusOps {
  readonly ctx: BusContext;
  readonly notClaiming: NotClaiming;
  /** Our outbound link to the node (node->link), if any. */
  outboundLink(node: ClusterNode): BusLink | undefined;
  /** setClusterNodeToInboundClusterLink: the inbound link now belongs to `node`. */
  attachInbound(link: BusLink, node: ClusterNode): void;
  /** freeClusterLink(node->link). */
  dropLink(node: ClusterNode): void;
  /** clusterDelNode: forget the node and free both its links. */
  deleteNode(node: ClusterNode): void;
  /** A node record we just created (its ctime starts the handshake timeout). */
  nodeCreated(node: ClusterNode): void;
  blacklisted(id: string): boolean;
  sendPing(link: BusLink, type: PingType): void;
  /** clusterSendUpdate to `to`'s outbound link about `about`. */
  sendUpdate(to: ClusterNode, about: ClusterNode): void;
}
