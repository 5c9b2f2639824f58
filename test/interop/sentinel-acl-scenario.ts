// ACL users for sentinels and nodes, run in each pairing by the sentinel-matrix-*.test.ts files.
// The nodes carry the users Redis's documentation prescribes: the sentinels' user with exactly the
// commands a sentinel needs, a replication user for `masteruser`, an application user (our nodes add
// two grants, see usersOf); the default user may only PING.
// The sentinels log in with `auth-user` / `auth-pass`. A killed master is failed over, the other
// replica follows the new master with its replication user, and no node logged a permission denial
// for the sentinels' user.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedis, startNode, type Engine } from '../helpers/processes.js';
import { startSentinel } from '../helpers/sentinels.js';
import { waitFor } from '../helpers/wait-for.js';
import { DOWN_AFTER, NAME, Pairing } from './sentinel-scenarios.js';

/** The sentinel user of Redis's Sentinel documentation (its ACL section). */
const SENTINEL_USER =
  'sentinel-user on >sentinel-pw allchannels +multi +slaveof +ping +exec +subscribe +config|rewrite +role +publish +info +client|setname +client|kill +script|kill';

/**
 * Our nodes add FENCING for the sentinels' user (our sentinels' lease protocol; redis-server does not
 * know the command) and INFO for the replication user (a replica asks the new master where its history
 * left ours, for the lost-writes ledger).
 */
const usersOf = (engine: Engine) => [
  'user default on nopass -@all +ping +auth +hello',
  `user ${SENTINEL_USER}${engine === 'builtin' ? ' +fencing' : ''}`,
  `user replica-user on >replica-pw +psync +replconf +ping${engine === 'builtin' ? ' +info' : ''}`,
  'user app on >app-pw ~* &* +@all',
];

/** A node whose users come from an aclfile (the form both servers load at start). */
async function startAclNode(engine: Engine, extra: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), `clusterctl-acl-${engine}-`));
  const aclfile = join(dir, 'users.acl');
  writeFileSync(aclfile, `${usersOf(engine).join('\n')}\n`);
  const config = { 'repl-diskless-sync-delay': '0', masteruser: 'replica-user', masterauth: 'replica-pw', aclfile, ...extra };
  return startNode({ engine, config });
}

export function defineAcl(nodeEngine: Engine, sentinelEngine: Engine): void {
  const needsRedis = nodeEngine === 'redis' || sentinelEngine === 'redis';
  describe.skipIf(needsRedis && !hasRedis())(`ACL users: ${nodeEngine} nodes under ${sentinelEngine} sentinels`, () => {
    const p = new Pairing(nodeEngine, sentinelEngine);

    beforeAll(async () => {
      const master = await startAclNode(nodeEngine, {});
      const replicas = [await startAclNode(nodeEngine, { replicaof: `127.0.0.1 ${master.port}` }), await startAclNode(nodeEngine, { replicaof: `127.0.0.1 ${master.port}` })];
      p.nodes = [master, ...replicas];
      const lines = [`sentinel auth-user ${NAME} sentinel-user`, `sentinel auth-pass ${NAME} sentinel-pw`];
      p.sentinels = await Promise.all(
        [0, 1, 2].map(() => startSentinel({ engine: sentinelEngine, monitors: [{ name: NAME, port: master.port, quorum: 2, downAfterMs: DOWN_AFTER, failoverTimeoutMs: 10_000 }], lines })),
      );
      for (const sentinel of p.sentinels) await p.attach(sentinel);
      await p.agree(master.port, 3);
    });

    afterAll(async () => {
      await p.stop();
    });

    it('fails over with the documented sentinel user; replicas follow with their replication user; no denial logged', async () => {
      const [master, ...replicas] = p.nodes;
      const app = (port: number) => {
        const c = p.node(port).client({ username: 'app', password: 'app-pw', maxRetriesPerRequest: 1 });
        c.on('error', () => {});
        return c;
      };
      const writer = app(master!.port);
      expect(await writer.set('before', '1')).toBe('OK');
      writer.disconnect();
      await waitFor(
        async () => {
          const seen = await Promise.all(p.live().map((c) => c.call('SENTINEL', 'REPLICAS', NAME) as Promise<unknown[]>));
          return seen.every((r) => r.length === 2);
        },
        { timeout: 30_000, message: 'every sentinel to see both replicas' },
      );
      master!.kill('SIGKILL');
      const promoted = await waitFor(
        async () => {
          const all = await Promise.all(p.live().map((c) => c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME) as Promise<string[]>));
          const port = Number(all[0]![1]);
          return all.every((a) => Number(a[1]) === port) && port !== master!.port ? port : 0;
        },
        { timeout: 40_000, message: 'every sentinel to name the promoted replica' },
      );
      const other = app(replicas.find((r) => r.port !== promoted)!.port);
      const c = app(promoted);
      try {
        await waitFor(
          async () => {
            const role = (await other.call('ROLE')) as unknown[];
            return role[0] === 'slave' && role[2] === promoted && role[3] === 'connected';
          },
          { timeout: 30_000, message: 'the other replica to follow the promoted one' },
        );
        await waitFor(async () => (await c.set('after', '2')) === 'OK', { timeout: 20_000, message: 'the new master to take writes' });
        expect(await c.get('before')).toBe('1');
        for (const node of replicas) {
          const reader = app(node.port);
          const entries = (await reader.call('ACL', 'LOG')) as unknown[][];
          reader.disconnect();
          const denials = entries.filter((entry) => entry.includes('sentinel-user') || entry.includes('replica-user'));
          expect(denials, `ACL LOG of ${node.port}: ${JSON.stringify(denials)}`).toEqual([]);
        }
      } finally {
        c.disconnect();
        other.disconnect();
      }
    });
  });
}
