// BullMQ, the job queue most Node applications put on Redis, runs almost entirely in Lua scripts
// (moveToActive, moveToFinished, retries, delays, priorities, flows). Two things a user of it
// notices: the same workload ends in the same state on our node as on redis-server 7.0.15, and a
// queue on `clusterctl up`'s default topology (builtin engine, our sentinels) keeps every job whose
// `add` was acknowledged through a failover — each one completes after the master is killed.

import { FlowProducer, Queue, QueueEvents, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOPOLOGY_YAML } from '../../src/cli/topology/load.js';
import { hasRedis, startNode, type Engine, type NodeProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';
import { Sandbox, freePortRange } from './cli-harness.js';

interface Outcome {
  results: unknown[];
  attempts: number[];
  failedReasons: string[];
  flowParent: unknown;
  counts: Record<string, number>;
  failedCount: number;
}

/**
 * One deterministic workload: jobs that succeed, that fail once then succeed on retry, that fail for
 * good, delayed and prioritised jobs, and a parent/child flow. What it returns is independent of
 * timing (results per job, attempts per job, final counts), so both servers must give the same.
 */
async function runWorkload(connection: ConnectionOptions, queueName: string): Promise<Outcome> {
  const queue = new Queue(queueName, { connection });
  const events = new QueueEvents(queueName, { connection });
  const flow = new FlowProducer({ connection });
  const worker = new Worker(
    queueName,
    async (job: Job) => {
      if (job.data.alwaysFail) throw new Error(`job ${job.data.n} cannot succeed`);
      if (job.data.failOnce && job.attemptsMade === 0) throw new Error(`first attempt of ${job.data.n}`);
      return job.data.n * 2;
    },
    { connection, concurrency: 4 },
  );
  try {
    await events.waitUntilReady();
    const jobs: Job[] = [];
    for (let n = 0; n < 40; n++) {
      const data = { n, failOnce: n % 10 === 3, alwaysFail: n % 13 === 5 };
      const opts = { attempts: 2, backoff: { type: 'fixed', delay: 20 }, delay: n % 7 === 0 ? 60 : 0, priority: n % 3 === 0 ? 1 + (n % 5) : undefined, jobId: `job-${n}` };
      jobs.push(await queue.add('work', data, opts));
    }
    const settled = await Promise.allSettled(jobs.map((job) => job.waitUntilFinished(events, 30_000)));
    const tree = await flow.add({ name: 'parent', queueName, data: { n: 1000 }, children: [{ name: 'child', queueName, data: { n: 1001 } }, { name: 'child', queueName, data: { n: 1002 } }] });
    const flowParent = await tree.job.waitUntilFinished(events, 30_000);
    const finished = await Promise.all(jobs.map((job) => queue.getJob(job.id!)));
    return {
      results: settled.map((s) => (s.status === 'fulfilled' ? s.value : 'failed')),
      attempts: finished.map((job) => job?.attemptsMade ?? -1),
      failedReasons: finished.map((job) => job?.failedReason ?? ''),
      flowParent,
      counts: await queue.getJobCounts('completed', 'failed', 'delayed', 'waiting', 'active', 'prioritized', 'waiting-children'),
      failedCount: (await queue.getFailed()).length,
    };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await Promise.all([queue.close(), events.close(), flow.close()]);
  }
}

describe('BullMQ on our node and on redis-server', () => {
  const nodes: Partial<Record<Engine, NodeProcess>> = {};

  beforeAll(async () => {
    nodes.builtin = await startNode();
    if (hasRedis()) nodes.redis = await startNode({ engine: 'redis' });
  });

  afterAll(async () => {
    await Promise.all(Object.values(nodes).map((node) => node.stop()));
  });

  it('runs retries, delays, priorities and flows to the same end state', async () => {
    const ours = await runWorkload({ host: '127.0.0.1', port: nodes.builtin!.port, maxRetriesPerRequest: null }, 'diff');
    expect(ours.results.filter((r) => r === 'failed')).toHaveLength(3); // n = 5, 18, 31
    expect(ours.flowParent).toBe(2000);
    expect(ours.counts).toMatchObject({ completed: 40, failed: 3, delayed: 0, waiting: 0, active: 0 });
    if (!nodes.redis) return;
    const theirs = await runWorkload({ host: '127.0.0.1', port: nodes.redis.port, maxRetriesPerRequest: null }, 'diff');
    expect(ours).toEqual(theirs);
  });
});

describe('BullMQ through a failover of the default topology (builtin engine)', () => {
  let box: Sandbox;
  let sentinels: { host: string; port: number }[] = [];

  beforeAll(async () => {
    const nodeBase = await freePortRange(3);
    let sentinelBase = await freePortRange(3);
    while (Math.abs(sentinelBase - nodeBase) < 3) sentinelBase = await freePortRange(3);
    const yaml = DEFAULT_TOPOLOGY_YAML.replace(/^ports: .*$/m, `ports: { base: ${nodeBase}, sentinels: ${sentinelBase} }`).replace(/^name: .*$/m, 'name: bullmq');
    box = Sandbox.create(yaml);
    const up = await box.run(['up', '--json']);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    sentinels = up.json.sentinel.sentinels.map((s: { host: string; port: number }) => ({ host: s.host, port: s.port }));
  }, 90_000);

  afterAll(async () => {
    if (box) expect(await box.cleanup()).toEqual([]);
  });

  it('completes every job whose add was acknowledged, across a killed master', async () => {
    const connection: ConnectionOptions = { sentinels, name: 'mymaster', maxRetriesPerRequest: null, enableOfflineQueue: true };
    const queue = new Queue('orders', { connection });
    const completed = new Set<string>();
    // A short stall interval: a job active on the killed master is handed out again soon after.
    const worker = new Worker('orders', async (job: Job) => job.data.n, { connection, concurrency: 2, stalledInterval: 1000, lockDuration: 2000 });
    worker.on('completed', (job: Job) => completed.add(job.id!));
    // Connection errors while the master is down are expected; ioredis reconnects through the sentinels.
    let connectionErrors = 0;
    for (const emitter of [queue, worker]) emitter.on('error', () => connectionErrors++);
    const acknowledged: string[] = [];
    let refused = 0;
    let stop = false;
    const producer = (async () => {
      for (let n = 0; !stop; n++) {
        try {
          const job = await queue.add('order', { n }, { jobId: `order-${n}`, removeOnComplete: false });
          acknowledged.push(job.id!);
        } catch {
          refused++; // Not acknowledged: the client saw an error and may retry; not counted.
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    try {
      await waitFor(async () => acknowledged.length >= 100, { timeout: 30_000, message: '100 jobs added before the fault' });
      const kill = await box.run(['kill', 'master', '--json']);
      expect(kill.code, kill.stderr).toBe(0);
      const before = acknowledged.length;
      await waitFor(
        async () => {
          const status = (await box.run(['status', '--json'])).json;
          const masters = new Set(status.sentinels.map((s: { masterNode: string | null }) => s.masterNode));
          return masters.size === 1 && !masters.has('m1') && !masters.has(null);
        },
        { timeout: 40_000, interval: 250, message: 'the sentinels to promote a replica' },
      );
      await waitFor(async () => acknowledged.length >= before + 100, { timeout: 40_000, message: '100 more jobs added after the failover' });
      stop = true;
      await producer;
      await waitFor(async () => acknowledged.every((id) => completed.has(id)), { timeout: 60_000, interval: 250, message: 'every acknowledged job to complete' }).catch((error: Error) => {
        const missing = acknowledged.filter((id) => !completed.has(id));
        throw new Error(`${error.message}: ${missing.length} missing (${missing.slice(0, 5).join(', ')}), ${refused} adds refused, ${connectionErrors} connection errors`);
      });
      const counts = await queue.getJobCounts('completed', 'failed');
      expect(counts.failed).toBe(0);
      expect(counts.completed).toBeGreaterThanOrEqual(acknowledged.length);
    } finally {
      stop = true;
      await producer.catch(() => undefined);
      await worker.close(true);
      await queue.close();
    }
  }, 240_000);
});
