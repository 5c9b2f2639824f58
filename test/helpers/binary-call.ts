// Runs a command through ioredis binary-safe (arguments and replies as latin1 bytes) and turns
// errors into { error } values, so replies of two servers can be compared with toEqual.

import type { Redis } from 'ioredis';

export type Arg = string | number;

/** Replies as comparable values: Buffers as latin1 text, errors as { error }. */
export function latin1Reply(reply: unknown): unknown {
  if (Buffer.isBuffer(reply)) return reply.toString('latin1');
  return Array.isArray(reply) ? reply.map(latin1Reply) : reply;
}

export async function binaryCall(client: Redis, cmd: readonly Arg[]): Promise<unknown> {
  const args = cmd.slice(1).map((arg) => (typeof arg === 'number' ? String(arg) : Buffer.from(arg, 'latin1')));
  try {
    return latin1Reply(await client.callBuffer(String(cmd[0]), ...args));
  } catch (error) {
    return { error: (error as Error).message };
  }
}
