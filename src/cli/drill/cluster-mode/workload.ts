// The cluster drill's workload: N ioredis `Cluster` clients, each writing unique keys
// (`drill:<runid>:<client>:<seq>`, no hash tag, so they spread over every slot and every shard) one
// at a time at up to `rate` writes per second, with the sentinel drill's honest outcomes
// (../workload.ts): acknowledged (+OK), failed (refused for sure, or never sent), unknown (sent, no
// verdict). ioredis follows MOVED and ASK by itself (a redirection is a refusal: the write was not
// applied where it was refused), and refreshes its slot map after a failover; it never resends a
// write whose connection died with the write in flight.

import { Cluster } from 'ioredis';
import { seededRandom } from '../../../shared/seeded-random.js';
import { classifyError, CLIENT_GROUPS, drillKey, type Outcome, type WriteRecord } from '../workload.js';

export interface ClusterWorkloadOptions {
  /** Seed nodes (every node of the cluster). */
  seeds: { host: string; port: number }[];
  password?: string;
  clients: number;
  rate: number;
  runId: string;
  seed: number;
  commandTimeoutMs?: number;
}

/**
 * Errors ioredis's Cluster raises before anything reached a node, or after every node it tried
 * refused (redirections, CLUSTERDOWN): the write was not applied.
 */
const CLUSTER_REFUSALS = [/isn't ready and enableOfflineQueue/i, /Too many Cluster redirections/i, /Failed to refresh slots cache/i, /None of startup nodes is available/i];

export function classifyClusterError(error: unknown): { outcome: Outcome; error: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (CLUSTER_REFUSALS.some((re) => re.test(message))) return { outcome: 'failed', error: message };
  return classifyError(error);
}

export class ClusterWorkload {
  readonly records: WriteRecord[] = [];
  private readonly clients: Cluster[] = [];
  private loops: Promise<void>[] = [];
  private stopped = false;
  private begin = 0;

  constructor(private readonly options: ClusterWorkloadOptions) {}

  /** Connects every client (its slot map loaded) before the clock starts. */
  async connect(timeoutMs = 15_000): Promise<void> {
    for (let i = 0; i < this.options.clients; i++) this.clients.push(this.connectOne(i));
    const deadline = Date.now() + timeoutMs;
    while (this.clients.some((client) => client.status !== 'ready') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  start(begin: number): void {
    this.begin = begin;
    const rng = seededRandom(this.options.seed);
    this.loops = this.clients.map((client, i) => this.loop(client, i, rng() * (1000 / this.options.rate)));
  }

  async stop(): Promise<WriteRecord[]> {
    this.stopped = true;
    await Promise.all(this.loops);
    for (const client of this.clients) client.disconnect();
    return this.records;
  }

  private connectOne(index: number): Cluster {
    const timeout = this.options.commandTimeoutMs ?? 1500;
    const client = new Cluster(this.options.seeds, {
      // No queueing while the slot map is not loaded: such a write fails at once, never sent later.
      enableOfflineQueue: false,
      // Refresh the slot map often, so a failover's new master is found without waiting for a MOVED.
      slotsRefreshInterval: 1000,
      slotsRefreshTimeout: timeout,
      retryDelayOnFailover: 50,
      retryDelayOnClusterDown: 50,
      retryDelayOnTryAgain: 50,
      // Each node connection: no resending of writes in flight, a deadline per write. (ioredis queues
      // a write for a node while that connection is being made, and sends it once, when connected;
      // a connection that fails instead rejects it, unknown outcome: it cannot tell it was not sent.)
      redisOptions: {
        password: this.options.password,
        connectionName: `drill-g${index % CLIENT_GROUPS}-c${index}`,
        maxRetriesPerRequest: 0,
        autoResendUnfulfilledCommands: false,
        commandTimeout: timeout,
        connectTimeout: timeout,
        disconnectTimeout: 0,
        enableReadyCheck: false,
      },
      clusterRetryStrategy: () => 100,
      lazyConnect: true,
    });
    client.on('error', () => {
      // Reported through the failing writes.
    });
    client.connect().catch(() => undefined);
    return client;
  }

  private async loop(client: Cluster, index: number, offsetMs: number): Promise<void> {
    const interval = 1000 / this.options.rate;
    let seq = 0;
    let next = Date.now() + offsetMs;
    if (offsetMs >= 1) await new Promise((resolve) => setTimeout(resolve, offsetMs));
    while (!this.stopped) {
      seq += 1;
      const key = drillKey(this.options.runId, index, seq);
      const value = String(seq);
      if (client.status === 'end' || client.status === 'close') client.connect().catch(() => undefined);
      const sentAt = Date.now() - this.begin;
      let outcome: Outcome;
      let error: string | null = null;
      try {
        const reply = await client.set(key, value);
        outcome = reply === 'OK' ? 'ok' : 'unknown';
        if (outcome !== 'ok') error = `unexpected reply ${String(reply)}`;
      } catch (caught) {
        ({ outcome, error } = classifyClusterError(caught));
      }
      this.records.push({ client: index, group: index % CLIENT_GROUPS, seq, key, value, sentAt, doneAt: Date.now() - this.begin, outcome, error });
      next += interval;
      const wait = next - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      else {
        next = Date.now();
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }
}
