// What a socket-less server propagates (what its replicas would receive), command by command, for
// unit tests of a command family's propagation rules.

import type { Server } from '../../src/server/server.js';
import type { TestClient } from './unit-server.js';

/** Returns a runner that executes one command and answers the commands it propagated. */
export function propagationOf(server: Server, client: TestClient): (...args: (string | number)[]) => string[][] {
  const propagated: string[][] = [];
  server.requestPath.observe({
    propagate(_db, commands) {
      propagated.push(...commands);
    },
  });
  return (...args) => {
    propagated.length = 0;
    client.run(...args);
    return [...propagated];
  };
}
