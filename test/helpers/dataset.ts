// Reads a node's whole dataset through a client (every db, every key: type, value, TTL) so tests can
// compare nodes key by key, whatever engine serves them.

import type { Redis } from 'ioredis';

export interface KeyDump {
  type: string;
  value: unknown;
  /** Remaining TTL in ms, -1 for none. */
  pttl: number;
}

export type DatasetDump = Map<string, KeyDump>;

export async function dumpDataset(client: Redis, databases = 16): Promise<DatasetDump> {
  const out: DatasetDump = new Map();
  for (let db = 0; db < databases; db++) {
    await client.select(db);
    const keys = (await client.keys('*')) as string[];
    for (const key of keys.sort()) {
      const type = await client.type(key);
      const pttl = await client.pttl(key);
      out.set(`${db}:${key}`, { type, value: await readValue(client, key, type), pttl });
    }
  }
  await client.select(0);
  return out;
}

async function readValue(client: Redis, key: string, type: string): Promise<unknown> {
  switch (type) {
    case 'string':
      return client.get(key);
    case 'list':
      return client.lrange(key, 0, -1);
    case 'hash':
      return Object.entries(await client.hgetall(key)).sort();
    case 'set':
      return (await client.smembers(key)).sort();
    case 'zset':
      return client.zrange(key, 0, -1, 'WITHSCORES');
    default:
      return `<unsupported type ${type}>`;
  }
}

/** Compares two dumps; TTLs must agree within `ttlToleranceMs`. Returns the differences found. */
export function diffDatasets(a: DatasetDump, b: DatasetDump, ttlToleranceMs = 2000): string[] {
  const problems: string[] = [];
  for (const [key, left] of a) {
    const right = b.get(key);
    if (!right) {
      problems.push(`${key}: missing on the second node`);
      continue;
    }
    if (left.type !== right.type) problems.push(`${key}: type ${left.type} != ${right.type}`);
    else if (JSON.stringify(left.value) !== JSON.stringify(right.value)) problems.push(`${key}: values differ`);
    if ((left.pttl < 0) !== (right.pttl < 0) || Math.abs(left.pttl - right.pttl) > ttlToleranceMs) {
      problems.push(`${key}: ttl ${left.pttl} != ${right.pttl}`);
    }
  }
  for (const key of b.keys()) if (!a.has(key)) problems.push(`${key}: missing on the first node`);
  return problems;
}
