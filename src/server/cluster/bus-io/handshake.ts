// Owns starting a handshake with an address (clusterStartHandshake, used by CLUSTER MEET): the
// address must be an IP (no host names in 7.0) with ports in 1..65535; a handshake already under
// way with the same address is not started twice. The new node gets a random id and the MEET flag,
// so the cron connects and sends it a MEET; its first PONG renames it (ping-in.ts).

import { isIP } from 'node:net';
import { NodeFlag } from '../bus/node-flags.js';
import { inHandshake, makeClusterNode, newNodeId } from '../state/cluster-node.js';
import type { ClusterBus } from './bus.js';

export type HandshakeResult = 'started' | 'in-progress' | 'invalid';

/** inet_ntop's form of the address: IPv6 compressed and lowercase; IPv4 as given. */
export function normalizeIp(ip: string): string | undefined {
  const family = isIP(ip);
  if (family === 4) return ip;
  if (family !== 6) return undefined;
  const hostname = new URL(`http://[${ip}]/`).hostname;
  return hostname.slice(1, -1);
}

export function startHandshake(bus: ClusterBus, ip: string, port: number, cport: number): HandshakeResult {
  const normalized = normalizeIp(ip);
  const validPort = (p: number) => Number.isInteger(p) && p > 0 && p <= 65535;
  if (normalized === undefined || !validPort(port) || !validPort(cport)) return 'invalid';
  const { state } = bus.ctx;
  for (const node of state.nodes.values()) {
    if (inHandshake(node) && node.ip.toLowerCase() === normalized.toLowerCase() && node.port === port && node.cport === cport) {
      return 'in-progress';
    }
  }
  const node = makeClusterNode({ id: newNodeId(), flags: NodeFlag.Handshake | NodeFlag.Meet, ip: normalized, port, cport });
  state.addNode(node);
  bus.nodeCreated(node);
  return 'started';
}
