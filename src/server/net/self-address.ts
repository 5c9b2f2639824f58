// Is an address one of this node's own? Sentinels' hellos name a master by ip and port (protocol doc
// 7.3); features that read them (fencing, the empty-restart guard) ask whether that master is us.

import { networkInterfaces } from 'node:os';
import type { Server } from '../server.js';

let localAddresses: Set<string> | undefined;

export function isSelfAddress(server: Server, ip: string, port: number): boolean {
  if (port !== server.port) return false;
  if (!localAddresses) {
    localAddresses = new Set(['localhost']);
    for (const list of Object.values(networkInterfaces())) for (const entry of list ?? []) localAddresses.add(entry.address);
  }
  return localAddresses.has(ip) || ip === server.config.str('replica-announce-ip');
}
