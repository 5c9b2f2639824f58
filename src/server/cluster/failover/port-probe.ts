// Owns the client-port probe of cluster-fast-failover (core/death-evidence.ts): one TCP connect to
// a node's client port, closed as soon as it is decided. Only a refusal (ECONNREFUSED: nobody
// listens there) counts as evidence; an accepted connection, a timeout (a paused process still
// accepts into its backlog; a cut network drops the SYN) or any other error does not.

import { connect } from 'node:net';

/** Resolves true when the port refused the connection, false otherwise (within `timeoutMs`). */
export function probeRefused(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (refused: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(refused);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(false));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED'));
  });
}
