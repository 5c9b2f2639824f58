// FAILOVER (Redis 6.2+ coordinated failover) across engines: our master with our replica, our
// master with a redis-server replica, a redis-server master with our replica, and two
// redis-servers as the reference every pairing must behave like. Each pairing runs one sequence on
// the same two nodes, so both directions of a mixed pair are exercised: FAILOVER TO from the first
// node to the second (a write sent during the pause waits, then meets a replica: -READONLY), then
// FAILOVER to any replica back; TIMEOUT expiring without FORCE (the failover is aborted, writes go
// through); FAILOVER ABORT; and TIMEOUT with FORCE towards a replica that did not ACK in time (it
// fails over anyway). After every switch: roles
// swapped, DEBUG DIGEST equal on both, master_failover_state back to no-failover, and the old
// master continued with a partial resync (sync_partial_ok on the new master, no full sync).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { hasRedis, startNode, type Engine, type NodeProcess } from '../helpers/processes.js';
import { info, waitInSync } from '../helpers/info.js';
import { waitFor } from '../helpers/wait-for.js';

const FAST_SYNC = { 'repl-diskless-sync-delay': '0' };
const PAIRINGS: [Engine, Engine][] = [
  ['builtin', 'builtin'],
  ['builtin', 'redis'],
  ['redis', 'builtin'],
  ['redis', 'redis'],
];

interface Member {
  node: NodeProcess;
  client: Redis;
}

/** The replication state an operator looks at, read once. */
async function replicationOf(client: Redis) {
  return info(client, 'replication');
}

async function waitFailoverState(client: Redis, state: string): Promise<void> {
  await waitFor(async () => (await replicationOf(client)).master_failover_state === state, {
    timeout: 30_000,
    message: `master_failover_state:${state}`,
  });
}

/** Waits until `master` is a master with `replica` following it, in sync. */
async function waitRoles(master: Member, replica: Member): Promise<void> {
  await waitFor(
    async () => {
      const m = await replicationOf(master.client);
      const r = await replicationOf(replica.client);
      return m.role === 'master' && r.role === 'slave' && r.master_port === String(master.node.port) && m.master_failover_state === 'no-failover';
    },
    { timeout: 40_000, message: `roles: ${master.node.port} master, ${replica.node.port} its replica` },
  );
  await waitInSync(master.client, replica.client, 40_000);
}

async function digestsEqual(a: Member, b: Member): Promise<void> {
  const [da, db] = await Promise.all([a.client.debug('DIGEST'), b.client.debug('DIGEST')]);
  expect(da).toBe(db);
}

async function syncStats(client: Redis): Promise<{ full: number; partialOk: number }> {
  const stats = await info(client, 'stats');
  return { full: Number(stats.sync_full), partialOk: Number(stats.sync_partial_ok) };
}

/** A write sent on its own named connection; resolves to its reply or error text. */
function sendWrite(member: Member, name: string, key: string, value: string) {
  const writer = member.node.client();
  let settled = false;
  const outcome = (async () => {
    await writer.client('SETNAME', name);
    const pending = writer.set(key, value).then(
      (reply) => reply as string,
      (error: Error) => error.message,
    );
    const result = await pending;
    settled = true;
    writer.disconnect();
    return result;
  })();
  return { outcome, isSettled: () => settled };
}

/** True once the named connection's SET has reached the server (CLIENT LIST cmd=set), parked or not. */
async function waitWriteArrived(member: Member, name: string): Promise<void> {
  await waitFor(
    async () => ((await member.client.client('LIST')) as string).split('\n').some((line) => line.includes(`name=${name} `) && line.includes('cmd=set')),
    { timeout: 20_000, message: `${name}'s SET to reach the server` },
  );
}

for (const [firstEngine, secondEngine] of PAIRINGS) {
  describe.skipIf(!hasRedis())(`FAILOVER: ${firstEngine} master, ${secondEngine} replica`, () => {
    let first: Member;
    let second: Member;
    const stopped: NodeProcess[] = [];

    beforeAll(async () => {
      const firstNode = await startNode({ engine: firstEngine, config: FAST_SYNC });
      const secondNode = await startNode({ engine: secondEngine, config: { ...FAST_SYNC, replicaof: `127.0.0.1 ${firstNode.port}` } });
      first = { node: firstNode, client: firstNode.client() };
      second = { node: secondNode, client: secondNode.client() };
      for (let i = 0; i < 200; i++) await first.client.set(`key:${i}`, `value-${i}`);
      await first.client.rpush('list', 'a', 'b', 'c');
      await first.client.hset('hash', 'f', 'v');
      await waitRoles(first, second);
    });

    afterAll(async () => {
      for (const node of stopped.splice(0)) node.kill('SIGCONT');
      for (const member of [first, second]) member?.client.disconnect();
      await Promise.all([first, second].filter(Boolean).map((member) => member.node.stop()));
    });

    /** Stops the replica, then writes `key` on the master: the replica cannot ACK it until resumed. */
    async function stopReplicaBehind(key: string): Promise<void> {
      second.node.kill('SIGSTOP');
      stopped.push(second.node);
      await first.client.set(key, '1');
    }

    function resumeReplica(): void {
      second.node.kill('SIGCONT');
      stopped.splice(0);
    }

    it('FAILOVER TO: a write during the pause waits, then gets -READONLY; roles swap, data equal, partial resync', async () => {
      const before = await syncStats(second.client);
      // The target is stopped and lacks the last write, so the failover stays in waiting-for-sync
      // while the paused write arrives.
      await stopReplicaBehind('before-failover');
      expect(await first.client.call('FAILOVER', 'TO', '127.0.0.1', String(second.node.port))).toBe('OK');
      expect((await replicationOf(first.client)).master_failover_state).toBe('waiting-for-sync');
      const write = sendWrite(first, 'paused-writer', 'during-pause', 'x');
      await waitWriteArrived(first, 'paused-writer');
      // Reads are not paused.
      expect(await first.client.get('before-failover')).toBe('1');
      expect(write.isSettled()).toBe(false);
      resumeReplica();
      expect(await write.outcome).toMatch(/^READONLY /);
      await waitRoles(second, first);
      expect((await replicationOf(second.client)).master_failover_state).toBe('no-failover');
      expect(await second.client.get('before-failover')).toBe('1');
      expect(await second.client.exists('during-pause')).toBe(0);
      await digestsEqual(first, second);
      const after = await syncStats(second.client);
      expect(after.partialOk).toBe(before.partialOk + 1);
      expect(after.full).toBe(before.full);
      // The histories continue: the new master's previous id is the old master's.
      const [m, r] = await Promise.all([replicationOf(second.client), replicationOf(first.client)]);
      expect(r.master_replid).toBe(m.master_replid);
      expect(r.master_replid2).toBe(m.master_replid2);
      await second.client.set('after-failover', '2');
      await waitInSync(second.client, first.client);
      expect(await first.client.get('after-failover')).toBe('2');
    });

    it('FAILOVER to any replica brings the role back, again with a partial resync', async () => {
      const before = await syncStats(first.client);
      expect(await second.client.call('FAILOVER')).toBe('OK');
      await waitRoles(first, second);
      const after = await syncStats(first.client);
      expect(after.partialOk).toBe(before.partialOk + 1);
      expect(after.full).toBe(before.full);
      await digestsEqual(first, second);
    });

    it('TIMEOUT without FORCE: a replica that never catches up aborts the failover; paused writes then go through', async () => {
      // The stopped replica cannot ACK this one: it is behind for the whole timeout.
      await stopReplicaBehind('unacked');
      expect(await first.client.call('FAILOVER', 'TIMEOUT', '1500')).toBe('OK');
      const write = sendWrite(first, 'timeout-writer', 'while-waiting', 'y');
      await waitWriteArrived(first, 'timeout-writer');
      await waitFailoverState(first.client, 'no-failover');
      expect(await write.outcome).toBe('OK');
      expect((await replicationOf(first.client)).role).toBe('master');
      resumeReplica();
      await waitRoles(first, second);
      expect(await second.client.get('while-waiting')).toBe('y');
      await digestsEqual(first, second);
    });

    it('FAILOVER ABORT ends the wait; the paused write goes through on the master', async () => {
      await stopReplicaBehind('unacked-2');
      expect(await first.client.call('FAILOVER')).toBe('OK');
      const write = sendWrite(first, 'abort-writer', 'after-abort', 'z');
      await waitWriteArrived(first, 'abort-writer');
      expect(write.isSettled()).toBe(false);
      expect(await first.client.call('FAILOVER', 'ABORT')).toBe('OK');
      expect(await write.outcome).toBe('OK');
      expect((await replicationOf(first.client)).master_failover_state).toBe('no-failover');
      resumeReplica();
      await waitRoles(first, second);
      await digestsEqual(first, second);
    });

    it('TIMEOUT with FORCE fails over to a target that did not ACK in time; both end with the same data', async () => {
      await stopReplicaBehind('unacked-3');
      expect(await first.client.call('FAILOVER', 'TO', '127.0.0.1', String(second.node.port), 'TIMEOUT', '1000', 'FORCE')).toBe('OK');
      // Past the timeout the old master turns replica of the stopped target and waits for its PSYNC answer.
      await waitFailoverState(first.client, 'failover-in-progress');
      expect((await replicationOf(first.client)).role).toBe('slave');
      resumeReplica();
      await waitRoles(second, first);
      // The write was still in the target's socket when it was stopped: it applies it before it
      // takes over, so nothing is lost here (a target that never got it would make the old master
      // full-resync and drop it).
      expect(await second.client.get('unacked-3')).toBe('1');
      await digestsEqual(first, second);
    });
  });
}
