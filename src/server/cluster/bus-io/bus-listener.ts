// Owns the cluster bus listening sockets: the node's bind addresses (same rules as net/listener.ts:
// `*`, `::*`, a leading `-` for an optional address) on the bus port, each accepted socket handed to
// the bus as an inbound link. Like redis-server, a bus port that cannot be bound stops the node.

import { createServer, type Server as NetServer } from 'node:net';
import type { ClusterBus } from './bus.js';

export class BusListenError extends Error {}

/** Opens the bus listeners on `cport` for every bind address; the bus keeps them (bus.listeners). */
export async function listenBus(bus: ClusterBus, binds: readonly string[], cport: number): Promise<void> {
  for (const raw of binds) {
    const optional = raw.startsWith('-');
    const spec = optional ? raw.slice(1) : raw;
    const host = spec === '*' ? '0.0.0.0' : spec === '::*' ? '::' : spec;
    const server = createServer({ noDelay: true }, (socket) => bus.accept(socket));
    try {
      await listenOn(server, host, cport);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (optional && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) continue;
      bus.close();
      const reason = code === 'EADDRINUSE' ? 'Address already in use' : (error as Error).message;
      throw new BusListenError(`Could not create server TCP listening socket ${host}:${cport}: bind: ${reason}`);
    }
    server.on('error', (error) => bus.ctx.log.warning(`Cluster bus listener error: ${error.message}`));
    bus.listeners.push(server);
  }
  if (bus.listeners.length === 0) throw new BusListenError(`Failed listening on port ${cport} (cluster), aborting.`);
}

function listenOn(server: NetServer, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true, ipv6Only: host.includes(':') }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
