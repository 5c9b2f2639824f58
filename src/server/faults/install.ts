// Wires fault injection into a server at boot: sentinels' hello messages (PUBLISH on
// __sentinel__:hello) tell where each sentinel listens, so `FAULT PARTITION <host>:<port>` can name
// one sentinel; the FAULT command itself is in commands/fault.ts.

import type { Server } from '../server.js';
import { parseHello } from './endpoint.js';
import { faultsOf } from './faults.js';

export function installFaults(server: Server): void {
  const faults = faultsOf(server);
  const publish = server.commands.get('publish');
  if (!publish) return;
  const handler = publish.handler;
  server.commands.set('publish', {
    ...publish,
    handler: (ctx, args) => {
      if (args[1] === '__sentinel__:hello') {
        const hello = parseHello(args[2] ?? '');
        if (hello) faults.onHello(hello.id, hello.host, hello.port);
      }
      return handler(ctx, args);
    },
  });
}
