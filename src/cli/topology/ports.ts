// Port allocation: a node's explicit `port`, else ports.base + its position in `nodes:`; sentinels get
// ports.sentinels + their index. Checks range (no privileged ports) and that no two share a port.
// Cluster nodes also get a bus port (port + 10000, or ports.bus + index, or their bus-port), which
// must be below 65536 and clash with no other port either.

import type { Node } from 'yaml';
import type { Reader } from './reader.js';
import type { RawNode } from './nodes.js';

const MIN_PORT = 1024;
const MAX_PORT = 65535;

export interface PortPlan {
  nodes: Map<string, number>;
  sentinels: number[];
  /** Cluster nodes only: their bus ports. */
  bus: Map<string, number>;
}

/** Redis's default distance from a node's port to its cluster bus port (CLUSTER_PORT_INCR). */
export const BUS_PORT_INCR = 10000;

export interface PortBases {
  base: number;
  baseNode?: Node;
  sentinels: number;
  sentinelsNode?: Node;
  /** ports.bus: node i's bus port is bus + i (mode: cluster). */
  bus?: number;
  busNode?: Node;
}

export function allocatePorts(reader: Reader, nodes: RawNode[], bases: PortBases, sentinelCount: number): PortPlan {
  const plan: PortPlan = { nodes: new Map(), sentinels: [], bus: new Map() };
  const owners = new Map<number, string>();
  const claim = (port: number, owner: string, path: string, at: Node | undefined, explicit: boolean, hint?: string): void => {
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
        hint ?? (explicit ? 'Give each node its own port.' : 'Move ports.base, or give the node an explicit port.'),
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
  nodes.forEach((node, index) => {
    if (!node.cluster || !plan.nodes.has(node.name)) return;
    const explicit = node.cluster.busPort;
    const port = explicit ?? (bases.bus !== undefined ? bases.bus + index : plan.nodes.get(node.name)! + BUS_PORT_INCR);
    plan.bus.set(node.name, port);
    const at = explicit !== null ? node.cluster.at.busPort : (bases.busNode ?? node.at.port ?? bases.baseNode ?? node.at.name);
    const path = explicit !== null ? `nodes.${node.name}.bus-port` : bases.bus !== undefined ? 'ports.bus' : portPath(node, bases);
    if (port > MAX_PORT) {
      reader.report(at, path, `the cluster bus port of ${node.name} would be ${port} (its port + ${BUS_PORT_INCR}), above ${MAX_PORT}`, `Use node ports below ${MAX_PORT - BUS_PORT_INCR + 1}, or set ports.bus (or the node's bus-port).`);
      return;
    }
    const hint = explicit !== null ? 'Give each bus port a port of its own.' : `Its bus port is its port + ${BUS_PORT_INCR} (or ports.bus + its position): move one of the two nodes, or set its bus-port.`;
    claim(port, `${node.name} (cluster bus)`, path, at, explicit !== null, hint);
  });
  return plan;
}

/** Where a node's client port was decided: its own port, ports.base, or its position in nodes:. */
function portPath(node: RawNode, bases: PortBases): string {
  if (node.port !== null) return `nodes.${node.name}.port`;
  return bases.baseNode ? 'ports.base' : `nodes.${node.name}`;
}
