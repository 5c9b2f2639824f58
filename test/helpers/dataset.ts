// Reads a node's whole dataset through a client (every db, every key: type, value, TTL) so tests can
// compare nodes key by key, whatever engine serves them.

import type { Redis } from 'ioredis';

export interface KeyDump {
  type: string;
  value: unknown;
  /** Absolute expiry in unix ms (PEXPIRETIME), -1 for none: identical on a master and its replicas. */
  expireAt: number;
}

export type DatasetDump = Map<string, KeyDump>;

export async function dumpDataset(client: Redis, databases = 16): Promise<DatasetDump> {
  const out: DatasetDump = new Map();
  for (let db = 0; db < databases; db++) {
    await client.select(db);
    const keys = (await client.keys('*')) as string[];
    for (const key of keys.sort()) {
      const type = await client.type(key);
      const expireAt = Number(await client.call('PEXPIRETIME', key));
      out.set(`${db}:${key}`, { type, value: await readValue(client, key, type), expireAt });
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

/** Compares two dumps key by key, expiry times included. Returns the differences found. */
export function diffDatasets(a: DatasetDump, b: DatasetDump): string[] {
  const problems: string[] = [];
  for (const [key, left] of a) {
    const right = b.get(key);
    if (!right) {
      problems.push(`${key}: missing on the second node`);
      continue;
    }
    if (left.type !== right.type) problems.push(`${key}: type ${left.type} != ${right.type}`);
    else if (JSON.stringify(left.value) !== JSON.stringify(right.value)) problems.push(`${key}: values differ`);
    if (left.expireAt !== right.expireAt) problems.push(`${key}: expiry ${left.expireAt} != ${right.expireAt}`);
  }
  for (const key of b.keys()) if (!a.has(key)) problems.push(`${key}: missing on the first node`);
  return problems;
}
