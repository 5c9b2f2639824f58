// The sentinel's RESP server: accepts clients (redis-cli, ioredis in sentinel mode, other sentinels),
// parses requests with the shared parser, runs the command table with Redis's checks (unknown
// command, arity, auth, subscribed context) and writes each pipelined batch of replies at once.

import { createServer, type Server, type Socket } from 'node:net';
import { ErrorReply, NO_REPLY, type Reply } from '../../shared/resp/reply.js';
import { ProtocolError } from '../../shared/resp/request-parser.js';
import { ClientConn } from './client-conn.js';
import { COMMANDS } from './commands.js';
import type { SentinelHost } from './host.js';
import { sentinelFaults, topologyOf } from '../faults/faults.js';

export class SentinelServer {
  private readonly servers: Server[] = [];
  private lastClientId = 0;

  /** Requests held by FAULT PARTITION, run first when the connection's partition heals. */
  private readonly postponed = new WeakMap<ClientConn, string[]>();

  constructor(private readonly host: SentinelHost) {
    sentinelFaults.topology = topologyOf(() => this.host.core.instances());
    sentinelFaults.inbound = () =>
      [...this.host.clients.values()].map((client) => ({ id: client.id, name: client.name, socket: client.socket, resume: () => this.process(client) }));
  }

  /** Listens on every bind address (default: all interfaces); rejects on EADDRINUSE and the like. */
  async listen(port: number, binds: string[]): Promise<void> {
    const addresses = binds.length > 0 ? binds : [undefined];
    for (const address of addresses) {
      const server = createServer((socket) => this.accept(socket));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, address, () => {
          server.off('error', reject);
          resolve();
        });
      });
      this.servers.push(server);
    }
  }

  close(): void {
    for (const server of this.servers) server.close();
    for (const client of this.host.clients.values()) client.socket.destroy();
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const client = new ClientConn(++this.lastClientId, socket, this.host.requirepass !== null);
    this.host.clients.set(client.id, client);
    this.host.stats.connectionsReceived++;
    socket.on('data', (chunk: Buffer) => this.onData(client, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.host.clients.delete(client.id);
      this.host.hub.dropClient(client);
    });
  }

  private onData(client: ClientConn, chunk: Buffer): void {
    client.parser.feed(chunk);
    this.process(client);
  }

  private process(client: ClientConn): void {
    client.beginBatch();
    try {
      for (;;) {
        if (client.closeAfterReply) break;
        const args = this.postponed.get(client) ?? client.parser.next();
        this.postponed.delete(client);
        if (args === null) break;
        if (args.length === 0) continue;
        if (sentinelFaults.on && sentinelFaults.holdRequest(client, args)) {
          this.postponed.set(client, args);
          break;
        }
        const reply = this.execute(client, args);
        if (reply !== NO_REPLY) client.reply(reply);
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      client.reply(new ErrorReply(`ERR ${error.message}`));
      client.closeAfterReply = true;
    } finally {
      client.endBatch();
    }
    if (client.closeAfterReply) client.socket.end();
  }

  private execute(client: ClientConn, args: string[]): Reply | typeof NO_REPLY {
    const name = args[0]!.toLowerCase();
    const spec = COMMANDS[name];
    this.host.stats.commandsProcessed++;
    client.lastCommandAt = Date.now();
    if (!spec) {
      const shown = args
        .slice(1)
        .map((a) => `'${a.slice(0, 128)}' `)
        .join('');
      return new ErrorReply(`ERR unknown command '${args[0]!.slice(0, 128)}', with args beginning with: ${shown}`);
    }
    client.lastCommand = name === 'client' || name === 'sentinel' ? `${name}|${(args[1] ?? '').toLowerCase()}` : name;
    if ((spec.arity > 0 && args.length !== spec.arity) || args.length < -spec.arity) {
      return new ErrorReply(`ERR wrong number of arguments for '${name}' command`);
    }
    if (!client.authenticated && !spec.noAuth) return new ErrorReply('NOAUTH Authentication required.');
    if (client.subscriptionCount > 0 && client.protocol === 2 && !spec.pubsubContext) {
      return new ErrorReply(
        `ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
      );
    }
    return spec.handler({ host: this.host, client }, args);
  }
}
