// INFO as a record, and waits on replication state as an operator would check it.

import type { Redis } from 'ioredis';
import { waitFor } from './wait-for.js';

export async function info(client: Redis, section = ''): Promise<Record<string, string>> {
  const text = (section ? await client.info(section) : await client.info()) as string;
  const fields: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

/** Waits until the replica's link is up and it has processed everything the master has produced. */
export async function waitInSync(master: Redis, replica: Redis, timeout = 20_000): Promise<void> {
  await waitFor(
    async () => {
      const m = await info(master, 'replication');
      const r = await info(replica, 'replication');
      return (
        r.master_link_status === 'up' &&
        r.master_sync_in_progress === '0' &&
        Number(r.slave_repl_offset) >= Number(m.master_repl_offset)
      );
    },
    { timeout, message: 'replica in sync with its master' },
  );
}
