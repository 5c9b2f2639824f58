// A one-way partition under our sentinels: the master still receives their heartbeats, but its
// replies no longer reach them (FAULT PARTITION sentinels OUT). The sentinels fail over; the old
// master must fence itself by its lease first, because heartbeats that acknowledge none of its
// replies do not renew it (replication/fence.ts) — else two masters would acknowledge writes.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeProcess } from '../helpers/processes.js';
import { masterAddress, startSentinelGroup, type SentinelGroup } from '../helpers/sentinels.js';
import { waitFor } from '../helpers/wait-for.js';

const NAME = 'mymaster';

describe('self-fencing on a one-way partition', () => {
  let group: SentinelGroup;
  let master: NodeProcess;
  let sentinelClients: Redis[] = [];

  beforeAll(async () => {
    group = await startSentinelGroup({}, NAME);
    ({ master, sentinelClients } = group);
  });

  afterAll(async () => {
    await group?.stop();
  });

  it('the old master fences by its lease while it still hears its sentinels, then rejoins as a replica', async () => {
    const admin = master.client({ connectionName: 'clusterctl-test' });
    try {
      await waitFor(async () => /fence_acking_sentinels:3/.test((await admin.info('fencing')) as string), { message: 'heartbeats acknowledged by three sentinels' });
      expect(await admin.set('before', '1')).toBe('OK');
      await admin.call('FAULT', 'PARTITION', 'sentinels', 'OUT');

      // The sentinels see no reply and fail over; the master, still receiving their heartbeats,
      // must have fenced itself on its lease — not only later, on a hello naming the new master.
      await waitFor(async () => (await masterAddress(sentinelClients[0]!, NAME)) !== `127.0.0.1:${master.port}`, {
        timeout: 15_000,
        message: 'a replica promoted',
      });
      expect(master.log()).toMatch(/Fenced \(lease\)/);
      const refused = await admin.set('after', '1').then(
        (r) => String(r),
        (e: Error) => e.message,
      );
      expect(refused).toMatch(/^FENCED /);

      await admin.call('FAULT', 'HEAL');
      const promoted = Number((await masterAddress(sentinelClients[0]!, NAME))!.split(':')[1]);
      await waitFor(
        async () => {
          const info = (await admin.info('replication')) as string;
          return /role:slave/.test(info) && info.includes(`master_port:${promoted}`) && /master_link_status:up/.test(info);
        },
        { timeout: 20_000, message: 'the old master to follow the new one' },
      );
      expect(await admin.get('before')).toBe('1');
    } finally {
      admin.disconnect();
    }
  });
});
