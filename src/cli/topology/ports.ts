// Port allocation: a node's explicit `port`, else ports.base + its position in `nodes:`; sentinels get
// ports.sentinels + their index. Checks range (no privileged ports) and that no two share a port.

import type { Node } from 'yaml';
import type { Reader } from './reader.js';
import type { RawNode } from './nodes.js';

const MIN_PORT = 1024;
const MAX_PORT = 65535;

export interface PortPlan {
  nodes: Map<string, number>;
  sentinels: number[];
}

export interface PortBases {
  base: number;
  baseNode?: Node;
  sentinels: number;
  sentinelsNode?: Node;
}

export function allocatePorts(reader: Reader, nodes: RawNode[], bases: PortBases, sentinelCount: number): PortPlan {
  const plan: PortPlan = { nodes: new Map(), sentinels: [] };
  const owners = new Map<number, string>();
  const claim = (port: number, owner: string, path: string, at: Node | undefined, explicit: boolean): void => {
    if (port < MIN_PORT || port > MAX_PORT) {
      const why = port < MIN_PORT ? 'ports below 1024 need root' : `ports end at ${MAX_PORT}`;
      reader.report(at, path, `${owner} would get port ${port}, out of range (${why})`, `Use ports between ${MIN_PORT} and ${MAX_PORT}.`);
      return;
    }
    const other = owners.get(port);
    if (other !== undefined) {
      reader.report(
        at,
        path,
        `port ${port} of ${owner} is also the port of ${other}`,
        explicit ? 'Give each node its own port.' : 'Move ports.base, or give the node an explicit port.',
      );
      return;
    }
    owners.set(port, owner);
  };
  // Explicit ports first, so a collision is reported on the base-allocated node, whose port moved.
  nodes.forEach((node) => {
    if (node.port !== null) {
      plan.nodes.set(node.name, node.port);
      claim(node.port, node.name, `nodes.${node.name}.port`, node.at.port, true);
    }
  });
  nodes.forEach((node, index) => {
    if (node.port === null) {
      const port = bases.base + index;
      plan.nodes.set(node.name, port);
      claim(port, node.name, bases.baseNode ? 'ports.base' : `nodes.${node.name}`, bases.baseNode ?? node.at.name, false);
    }
  });
  for (let i = 0; i < sentinelCount; i++) {
    const port = bases.sentinels + i;
    plan.sentinels.push(port);
    claim(port, `sentinel s${i + 1}`, 'ports.sentinels', bases.sentinelsNode, false);
  }
  return plan;
}
