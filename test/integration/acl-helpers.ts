// What the ACL differential and interop tests share: running a command and keeping its error,
// sessions that authenticate by hand, and the normalization of rule texts. redis-server walks its
// command table in hash order, random per process, so the single-command rules of ACL LIST and
// GETUSER (`-debug -config`) come in no fixed order: they are compared as sorted runs, everything
// else (flags, passwords, keys, channels, categories and their order) exactly.

import { Redis } from 'ioredis';

export type Arg = string | number;

function normalize(reply: unknown): unknown {
  if (Buffer.isBuffer(reply)) return reply.toString('latin1');
  if (Array.isArray(reply)) return reply.map(normalize);
  return reply;
}

/** The reply, or `{ error }` with the error's text. */
export async function run(client: Redis, ...cmd: Arg[]): Promise<unknown> {
  try {
    const args = cmd.slice(1).map((a) => (typeof a === 'number' ? String(a) : Buffer.from(a, 'latin1')));
    return normalize(await client.callBuffer(String(cmd[0]), ...args));
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** A connection that neither retries nor reconnects, so a disconnection by the server is seen. */
export async function session(port: number): Promise<Redis> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, enableReadyCheck: false, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Sorts each run of single-command rules (`+get`, `-config|set`, `+select|0`) in a rule text. */
export function normalizeRules(text: string): string {
  const tokens = text.split(' ');
  const out: string[] = [];
  let run: string[] = [];
  const flush = (closing: boolean) => {
    run.sort();
    if (closing && run.length > 0) run[run.length - 1] += ')';
    out.push(...run);
    run = [];
  };
  for (const token of tokens) {
    const closes = token.endsWith(')');
    const bare = closes ? token.slice(0, -1) : token;
    if (/^[+-][^@]/.test(bare)) {
      run.push(bare);
      if (closes) flush(true);
    } else {
      flush(false);
      out.push(token);
    }
  }
  flush(false);
  return out.join(' ');
}

/** Normalizes every rule text inside a reply (ACL LIST lines, GETUSER `commands` fields). */
export function normalizeReply(reply: unknown): unknown {
  if (typeof reply === 'string') return /^(user |[+-]@all)/.test(reply) ? normalizeRules(reply) : reply;
  if (Array.isArray(reply)) return reply.map(normalizeReply);
  return reply;
}

/** Names of commands redis-server 7.0 does not have: ours (FAULT, FENCING) and 7.2's CLIENT SETINFO. */
export function isOwnCommand(name: string): boolean {
  return /^(fault|fencing)(\||$)/.test(name) || name === 'client|setinfo';
}

/** A CLIENT LIST line as fields, without those that differ by nature (ids, addresses, memory, ages). */
export function clientFields(line: string): Record<string, string> {
  const keep = ['name', 'flags', 'db', 'sub', 'psub', 'multi', 'cmd', 'user', 'resp'];
  const fields: Record<string, string> = {};
  for (const pair of line.trim().split(' ')) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq);
    if (keep.includes(key)) fields[key] = pair.slice(eq + 1);
  }
  return fields;
}

/** ACL LOG entries as records; age and client line reduced to what both servers must agree on. */
export function logEntries(reply: unknown): Record<string, unknown>[] {
  return (reply as unknown[][]).map((flat) => {
    const entry: Record<string, unknown> = {};
    for (let i = 0; i < flat.length; i += 2) entry[flat[i] as string] = flat[i + 1];
    entry['age-seconds'] = Number(entry['age-seconds']) >= 0 && Number(entry['age-seconds']) < 60;
    entry['client-info'] = clientFields(String(entry['client-info']));
    return entry;
  });
}
