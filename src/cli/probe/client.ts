// Short-lived ioredis connections to one node: connect, run, disconnect. No retries and no offline
// queue, so a dead or paused node fails fast (within `timeoutMs`) instead of hanging a command.

import { Redis } from 'ioredis';
import { passwordFor } from './passwords.js';

export const HOST = '127.0.0.1';

export interface ClientOptions {
  /** Connect and per-command deadline. */
  timeoutMs?: number;
}

export function connectClient(port: number, { timeoutMs = 1000 }: ClientOptions = {}): Redis {
  const client = new Redis({
    host: HOST,
    port,
    password: passwordFor(port),
    // clusterctl-* connections are the operator's: `clusterctl partition --from clients` spares them.
    connectionName: 'clusterctl-cli',
    lazyConnect: true,
    // The builtin node may not answer INFO yet; the ready check is an INFO round trip we do not need.
    enableReadyCheck: false,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    // disconnect() half-closes and destroys the socket after this long if the server has not closed
    // its side (a node that just ran SHUTDOWN never will): the default 2 s would keep every
    // short-lived clusterctl process alive for 2 s after its work is done.
    disconnectTimeout: 20,
  });
  client.on('error', () => {
    // Reported through the failing command instead.
  });
  return client;
}

/** Opens a connection, runs `fn`, always closes. */
export async function withClient<T>(port: number, fn: (client: Redis) => Promise<T>, options?: ClientOptions): Promise<T> {
  const client = connectClient(port, options);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

/** Runs one command; resolves to its reply (errors from the node reject with their message). */
export function call(port: number, args: string[], options?: ClientOptions): Promise<unknown> {
  return withClient(port, (client) => client.call(args[0]!, ...args.slice(1)), options);
}

export async function ping(port: number, timeoutMs = 500): Promise<boolean> {
  try {
    return (await call(port, ['PING'], { timeoutMs })) === 'PONG';
  } catch {
    return false;
  }
}
