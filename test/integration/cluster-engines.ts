// What the CLI's Redis Cluster suites share: which engines run in cluster mode here (redis-server
// when installed; our node once it answers CLUSTER INFO with cluster-enabled, probed so the suites
// follow the node's progress), client ports whose bus ports are free too, and a quiet ioredis
// Cluster client.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { hasRedis, NODE_BIN } from '../helpers/processes.js';
import { freeClusterPort } from '../helpers/cluster-ports.js';
import { waitFor } from '../helpers/wait-for.js';

/** Does our node run in cluster mode yet (cluster-enabled yes, CLUSTER INFO answered)? */
export async function builtinClusters(): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'clusterctl-probe-'));
  const port = await freeClusterPort();
  const child = spawn(process.execPath, [NODE_BIN, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--cluster-enabled', 'yes', '--save', ''], { stdio: 'ignore' });
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error('exited');
      const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, enableReadyCheck: false });
      client.on('error', () => {});
      try {
        await client.connect();
        const info = (await client.call('CLUSTER', 'INFO')) as string;
        await client.call('CLUSTER', 'ADDSLOTSRANGE', '0', '1');
        return /cluster_state/.test(info);
      } finally {
        client.disconnect();
      }
    }, { timeout: 5000, message: 'clusterctl-node in cluster mode' });
    return true;
  } catch {
    return false;
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The engines a cluster suite runs on here. */
export async function clusterEngines(): Promise<('redis' | 'builtin')[]> {
  return [...(hasRedis() ? (['redis'] as const) : []), ...((await builtinClusters()) ? (['builtin'] as const) : [])];
}

/** A cluster client that keeps quiet: failures show as rejected commands, not as log noise. */
export function clusterClient(port: number, options: ConstructorParameters<typeof Cluster>[1] = {}): Cluster {
  const client = new Cluster([{ host: '127.0.0.1', port }], options);
  client.on('error', () => {});
  return client;
}

/** `count` client ports whose bus ports (+10000) are free too, and no port of them used twice. */
export async function clusterPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freeClusterPort();
    const taken = ports.flatMap((p) => [p, p + 10000]);
    if (!taken.includes(port) && !taken.includes(port + 10000)) ports.push(port);
  }
  return ports;
}
