// Opens the listening sockets named by `bind` and `port` (redis.conf semantics: `*` is every IPv4
// address, `::*` every IPv6 one, a leading `-` makes an address optional) and turns each accepted
// socket into a Connection.

import { createServer, type Server as NetServer } from 'node:net';
import { Connection } from './connection.js';
import type { Server } from '../server.js';

export class ListenError extends Error {}

export async function listen(server: Server): Promise<NetServer[]> {
  const port = server.config.num('port');
  const listeners: NetServer[] = [];
  let boundPort = port;
  for (const raw of server.config.list('bind')) {
    const optional = raw.startsWith('-');
    const spec = optional ? raw.slice(1) : raw;
    const host = spec === '*' ? '0.0.0.0' : spec === '::*' ? '::' : spec;
    const net = createServer({ noDelay: true }, (socket) => {
      if (server.clients.size >= server.config.num('maxclients')) {
        server.stats.rejectedConnections++;
        socket.end('-ERR max number of clients reached\r\n');
        return;
      }
      new Connection(server, socket);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        net.once('error', reject);
        net.listen({ host, port: boundPort, backlog: server.config.num('tcp-backlog'), exclusive: true, ipv6Only: host.includes(':') }, () => {
          net.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (optional && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) continue;
      for (const open of listeners) open.close();
      const reason = code === 'EADDRINUSE' ? 'Address already in use' : (error as Error).message;
      throw new ListenError(`Could not create server TCP listening socket ${host}:${boundPort}: bind: ${reason}`);
    }
    const address = net.address();
    if (address && typeof address === 'object') boundPort = address.port;
    net.on('error', (error) => server.log.warning(`Listener error: ${error.message}`));
    listeners.push(net);
  }
  if (listeners.length === 0) throw new ListenError('Failed listening on port: no bind address could be used');
  server.port = boundPort;
  return listeners;
}
