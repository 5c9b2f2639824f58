// Owns describing the bus links for CLUSTER LINKS (addReplyClusterLinksDescription): for every
// node, our link to it then its link to us, each with direction, node id, create time, the events
// it waits for (r: reading, w: data waiting to be written) and its send buffer.

import type { ClusterBus } from './bus.js';
import type { BusLink } from './bus-link.js';

export interface LinkDescription {
  direction: 'to' | 'from';
  node: string;
  createTime: number;
  events: string;
  sendBufferAllocated: number;
  sendBufferUsed: number;
}

function describe(link: BusLink, nodeId: string): LinkDescription {
  const used = link.sendBufferUsed;
  // A link still connecting has no handlers yet in Redis (events ""); a connected one reads.
  const events = `${link.isConnected ? 'r' : ''}${used > 0 ? 'w' : ''}`;
  return {
    direction: link.inbound ? 'from' : 'to',
    node: nodeId,
    createTime: link.ctime,
    events,
    // Node's socket queue grows as needed: what is allocated is what is queued.
    sendBufferAllocated: used,
    sendBufferUsed: used,
  };
}

export function describeLinks(bus: ClusterBus): LinkDescription[] {
  const out: LinkDescription[] = [];
  for (const node of bus.ctx.state.nodes.values()) {
    const outbound = bus.outboundLink(node);
    const inbound = bus.inboundLink(node);
    if (outbound && !outbound.isFreed) out.push(describe(outbound, node.id));
    if (inbound && !inbound.isFreed) out.push(describe(inbound, node.id));
  }
  return out;
}
