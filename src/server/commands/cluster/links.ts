// CLUSTER LINKS (cluster.c 7.0 addReplyClusterLinksDescription): one map per bus link, for every
// node our link to it then its link to us: direction, node, create-time, events, send-buffer-allocated,
// send-buffer-used. Our send buffer is the socket's write queue, so allocated equals used.

import { MapReply, type Reply } from '../../../shared/resp/reply.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { busOf } from '../../cluster/bus-io/bus-registry.js';
import { describeLinks } from '../../cluster/bus-io/link-report.js';
import { ERR_CLUSTER_DISABLED } from './common.js';

function links(ctx: CommandContext): Reply {
  const bus = busOf(ctx.server);
  if (!bus) return ERR_CLUSTER_DISABLED;
  return describeLinks(bus).map(
    (link) =>
      new MapReply([
        'direction', link.direction,
        'node', link.node,
        'create-time', link.createTime,
        'events', link.events,
        'send-buffer-allocated', link.sendBufferAllocated,
        'send-buffer-used', link.sendBufferUsed,
      ]),
  );
}

export const clusterLinks: CommandSpec = command('links', 2, ['stale'], links, undefined, {
  summary: 'Returns a list of all TCP links to and from peer nodes in cluster',
});
