// Free (port, port + 10000) pairs for cluster tests: a node's bus listens on its client port +
// 10000, and about a fifth of ephemeral ports have no such port below 65536 (or it is taken). The
// pair is free when checked; a caller that loses a race retries with a new pair.

import { createServer } from 'node:net';
import { freePort, startNode, type Engine, type NodeProcess } from './processes.js';

const BUS_PORT_INCR = 10000;

/** True when nothing listens on loopback `port` right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A client port whose bus port (port + 10000) is below 65536 and free too. */
export async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + BUS_PORT_INCR > 65535) continue;
    if (await portIsFree(port + BUS_PORT_INCR)) return port;
  }
}

/**
 * A node in cluster mode on a free (port, bus port) pair, retried with a new pair when another
 * process took one meanwhile. `reuse`: restart a stopped node on its port and dir (nodes.conf kept).
 */
export async function startClusterNode(
  engine: Engine,
  config: Record<string, string> = {},
  reuse?: NodeProcess,
): Promise<NodeProcess> {
  for (let attempt = 0; ; attempt++) {
    const port = reuse?.port ?? (await freeClusterPort());
    try {
      return await startNode({
        engine,
        port,
        ...(reuse ? { dir: reuse.dir } : {}),
        config: { 'cluster-enabled': 'yes', 'cluster-config-file': `nodes-${port}.conf`, ...config },
      });
    } catch (error) {
      if (reuse || attempt >= 4) throw error;
    }
  }
}
