// A server without sockets for unit tests: commands run through the real dispatcher on a real
// keyspace; pushed replies (pub/sub, unblocked clients) are collected per client.

import { Logger } from '../../src/shared/log.js';
import { Config } from '../../src/server/config/config.js';
import { DIRECTIVES } from '../../src/server/config/directives.js';
import { Server } from '../../src/server/server.js';
import { execute } from '../../src/server/request/dispatch.js';
import { buildCommandTable } from '../../src/server/commands/registry.js';
import type { Postpone } from '../../src/server/request/request-path.js';
import type { Client } from '../../src/server/clients/client.js';
import type { NoReply, Reply } from '../../src/shared/resp/reply.js';
import { encodeReply } from '../../src/shared/resp/encoder.js';

export interface TestClient {
  client: Client;
  /** Replies pushed outside request/response (pub/sub messages, unblocked replies). */
  pushed: Reply[];
  closed: string[];
  /** Runs a command and returns its reply value. */
  run(...args: (string | number)[]): Reply | NoReply | Postpone;
  /** Runs a command and returns its RESP encoding (what the socket would carry). */
  wire(...args: (string | number)[]): string;
}

export function makeServer(directives: Record<string, string> = {}): Server {
  const config = new Config(DIRECTIVES);
  for (const [name, value] of Object.entries(directives)) config.set(name, value.split(' '), 'file');
  return new Server(config, new Logger(undefined, 'nothing'), buildCommandTable());
}

export function connect(server: Server): TestClient {
  const pushed: Reply[] = [];
  const closed: string[] = [];
  const client = server.createClient('127.0.0.1:50000', '127.0.0.1:6379', {
    push: (reply) => pushed.push(reply),
    close: (reason) => closed.push(reason),
    resume: () => {},
  });
  const run = (...args: (string | number)[]) => execute(server, client, args.map(String));
  return {
    client,
    pushed,
    closed,
    run,
    wire: (...args) => {
      const reply = run(...args);
      return typeof reply === 'symbol' ? '' : encodeReply(reply, client.proto);
    },
  };
}
