// The drill's workload: N ioredis clients in `sentinels:` mode, each writing unique keys
// (`drill:<runid>:<client>:<seq>` = "<seq>") one at a time at up to `rate` writes per second, and
// recording every write with its send time and an honest outcome:
//   ok      — the master answered +OK: the cluster acknowledged it, it must survive;
//   failed  — refused for sure: an error reply (-FENCED, -READONLY, -NOREPLICAS, ...) or never sent
//             (no connection at the moment of sending);
//   unknown — sent, but no verdict: timed out, connection lost after sending, or -UNKNOWN (a
//             sync-replicas timeout: applied on the master, fate unknown). Never resent.

import { Redis } from 'ioredis';
import { seededRandom } from '../../shared/seeded-random.js';

export type Outcome = 'ok' | 'failed' | 'unknown';

export interface WriteRecord {
  client: number;
  /** Client group (partition-master cuts group 0 off with the master). */
  group: number;
  seq: number;
  key: string;
  value: string;
  /** Milliseconds since the drill began. */
  sentAt: number;
  doneAt: number;
  outcome: Outcome;
  /** The error text for failed and unknown writes. */
  error: string | null;
}

export interface WorkloadOptions {
  sentinels: { host: string; port: number }[];
  /** The sentinels' monitor name (mymaster). */
  name: string;
  password?: string;
  clients: number;
  /** Writes per second per client (an upper bound: each client waits for one write's outcome before the next). */
  rate: number;
  runId: string;
  /** Seeds each client's start offset within the first interval (so clients do not write in lockstep). */
  seed: number;
  /** Per-write deadline: past it the outcome is unknown. Above sync-replicas-timeout (1000 ms) so a node's own -UNKNOWN arrives first. */
  commandTimeoutMs?: number;
  /**
   * Redis's own synchronous check (--wait N): after its OK, each write is followed by WAIT N; it
   * counts as acknowledged only when N replicas hold it, else its outcome is unknown.
   */
  waitReplicas?: number;
}

/** WAIT's timeout: below the per-write deadline, so a WAIT that gives up still answers. */
export const WAIT_TIMEOUT_MS = 1000;

export const CLIENT_GROUPS = 2;

/** Errors that prove the write was never sent (ioredis refuses it before writing to the socket). */
const NOT_SENT = ["Stream isn't writeable"];

/** `sent`: false when the client was not ready when the write was issued (ioredis did not send it). */
export function classifyError(error: unknown, sent = true): { outcome: Outcome; error: string } {
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'ReplyError') {
    // -UNKNOWN: the node applied the write but could not get the replicas' acknowledgement in time.
    return { outcome: /^UNKNOWN\b/.test(message) ? 'unknown' : 'failed', error: message };
  }
  if (!sent || NOT_SENT.some((text) => message.includes(text))) return { outcome: 'failed', error: message };
  // "Command timed out", MaxRetriesPerRequestError (connection lost with the write in flight),
  // "Connection is closed." and anything unexpected: the write may have been applied.
  return { outcome: 'unknown', error: message };
}

export function drillKey(runId: string, client: number, seq: number): string {
  return `drill:${runId}:${client}:${seq}`;
}

export class Workload {
  readonly records: WriteRecord[] = [];
  private readonly clients: Redis[] = [];
  /** One subscriber per sentinel to +switch-master, shared by the clients (see watchSwitches). */
  private watchers: Redis[] = [];
  /** Clients whose connection the last +switch-master dropped: they reconnect without a delay. */
  private readonly switched = new WeakSet<Redis>();
  private loops: Promise<void>[] = [];
  private stopped = false;
  private begin = 0;

  constructor(private readonly options: WorkloadOptions) {}

  /**
   * Connects every client and waits (up to `timeoutMs`) until each is ready, so that the first
   * writes measure the cluster, not the clients' start-up.
   */
  async connect(timeoutMs = 10_000): Promise<void> {
    for (let i = 0; i < this.options.clients; i++) this.clients.push(this.connectOne(i));
    this.watchSwitches();
    const deadline = Date.now() + timeoutMs;
    while (this.clients.some((client) => client.status !== 'ready') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** Starts writing; every time in the records counts from `begin` (epoch ms). */
  start(begin: number): void {
    this.begin = begin;
    const rng = seededRandom(this.options.seed);
    this.loops = this.clients.map((client, i) => this.loop(client, i, rng() * (1000 / this.options.rate)));
  }

  /** Stops writing, waits for the writes in flight to get their outcome, disconnects. */
  async stop(): Promise<WriteRecord[]> {
    this.stopped = true;
    await Promise.all(this.loops);
    for (const client of this.clients) client.disconnect();
    for (const watcher of this.watchers) watcher.disconnect();
    return this.records;
  }

  /**
   * Instead of ioredis's failoverDetector: it drops the connection on every +switch-master, from
   * every sentinel, and subscribes anew after each reconnect. The leader announces the switch only
   * at failover-end, ~100 ms after the other sentinels (which switch on its hello), so the detector
   * of a client that already reconnected to the new master dropped that good connection a second
   * time (one write more of unknown outcome and ~100 ms without writes per failover). Here a
   * client already connected to the announced master is left alone; any other drops its connection
   * at once and reconnects through the sentinels without the retry delay.
   */
  private watchSwitches(): void {
    for (const sentinel of this.options.sentinels) {
      const watcher = new Redis({ ...sentinel, retryStrategy: () => 100, enableReadyCheck: false, connectionName: 'drill-switch-watcher' });
      watcher.on('error', () => undefined);
      watcher.subscribe('+switch-master').catch(() => undefined);
      watcher.on('message', (_channel: string, message: string) => {
        const [name, , , host, port] = message.split(' ');
        if (name !== this.options.name) return;
        for (const client of this.clients) {
          if (client.status !== 'ready' && client.status !== 'connect') continue; // (re)connecting: asks the sentinels anyway
          const stream = client.stream as { remoteAddress?: string; remotePort?: number } | undefined;
          if (stream?.remotePort === Number(port) && stream.remoteAddress?.replace(/^::ffff:/, '') === host) continue;
          this.switched.add(client);
          client.disconnect(true);
        }
      });
      this.watchers.push(watcher);
    }
  }

  private connectOne(index: number): Redis {
    const timeout = this.options.commandTimeoutMs ?? 1500;
    const client: Redis = new Redis({
      sentinels: this.options.sentinels,
      name: this.options.name,
      password: this.options.password,
      connectionName: `drill-g${index % CLIENT_GROUPS}-c${index}`,
      // Honest outcomes:
      // - no offline queue: a write issued while disconnected fails at once ("Stream isn't
      //   writeable"), it is never queued and sent later behind the caller's back;
      enableOfflineQueue: false,
      // - no retries and no resending: when the connection drops with a write in flight, ioredis
      //   rejects it (MaxRetriesPerRequestError) instead of sending it again on the next connection,
      //   so a write is sent at most once and its outcome is unknown, not "acknowledged";
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // - a deadline per write: a frozen master must not hold a client forever; past it, unknown;
      commandTimeout: timeout,
      connectTimeout: timeout,
      // - reconnect (through the sentinels) quickly and forever, as an application would, and
      //   without a delay when a +switch-master dropped the connection (watchSwitches)...
      retryStrategy: () => {
        if (!this.switched.has(client)) return 50;
        this.switched.delete(client);
        return 0;
      },
      sentinelRetryStrategy: () => 100,
      // - ...at once when the sentinels announce a new master (watchSwitches, not ioredis's
      //   failoverDetector), or when the node says it is no longer the master (READONLY) or fenced
      //   itself: 1 = reconnect, do not resend.
      failoverDetector: false,
      // ioredis leaves a connection it drops half-closed until the peer closes its side, or for
      // disconnectTimeout (default 2 s): a frozen master never closes, so the client would sit
      // unwritable for 2 s after every failover. Destroy the socket at once instead (the writes in
      // flight on it are reported unknown either way).
      disconnectTimeout: 0,
      reconnectOnError: (error) => (/^(READONLY|FENCED)\b/.test(error.message) ? 1 : false),
      enableReadyCheck: false,
      lazyConnect: true,
    });
    client.on('error', () => {
      // Reported through the failing writes.
    });
    client.connect().catch(() => {
      // The writes issued meanwhile fail (not sent) and retryStrategy keeps trying.
    });
    return client;
  }

  private async loop(client: Redis, index: number, offsetMs: number): Promise<void> {
    const interval = 1000 / this.options.rate;
    const group = index % CLIENT_GROUPS;
    let seq = 0;
    let next = Date.now() + offsetMs;
    if (offsetMs >= 1) await new Promise((resolve) => setTimeout(resolve, offsetMs));
    while (!this.stopped) {
      seq += 1;
      const key = drillKey(this.options.runId, index, seq);
      const value = String(seq);
      if (client.status === 'end') {
        // ioredis gives up for good when a sentinel-mode connect is interrupted (its failover
        // detector closing the connection mid-connect): start over, as an application would.
        client.connect().catch(() => undefined);
      }
      // Only a ready client writes to the socket; in any other state (connecting, reconnecting,
      // ended) ioredis rejects the write without sending it, so its failure is certain.
      const sendable = client.status === 'ready';
      const sentAt = Date.now() - this.begin;
      let outcome: Outcome;
      let error: string | null = null;
      try {
        const reply = await client.set(key, value);
        outcome = reply === 'OK' ? 'ok' : 'unknown';
        if (outcome !== 'ok') error = `unexpected reply ${String(reply)}`;
      } catch (caught) {
        ({ outcome, error } = classifyError(caught, sendable));
      }
      const needed = this.options.waitReplicas ?? 0;
      if (outcome === 'ok' && needed > 0) {
        // Applied on the master: from here on, a failed WAIT leaves its fate unknown, not failed.
        try {
          const count = Number(await client.wait(needed, WAIT_TIMEOUT_MS));
          if (count < needed) [outcome, error] = ['unknown', `WAIT: ${count} of ${needed} replica(s) within ${WAIT_TIMEOUT_MS} ms`];
        } catch (caught) {
          [outcome, error] = ['unknown', `WAIT: ${(caught as Error).message}`];
        }
      }
      this.records.push({ client: index, group, seq, key, value, sentAt, doneAt: Date.now() - this.begin, outcome, error });
      next += interval;
      const wait = next - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      else {
        // Behind schedule (a slow write): do not burst to catch up.
        next = Date.now();
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }
}
