// Active expiry: reclaims keys whose TTL passed even if nobody touches them again. Redis 7.0
// expire.c activeExpireCycle (the SLOW cycle run from serverCron), adapted to JS Maps: instead of
// sampling random hash buckets, each db's `expires` map is walked with a persistent iterator that
// resumes where the previous round stopped and restarts at the end, so every volatile key is
// visited within a bounded number of ticks.

import { clock } from '../base/clock.js';
import { latencyEventsOf } from '../base/latency-events.js';
import type { Server } from '../server.js';
import type { Db } from './db.js';

/** Redis ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP: keys examined per round at effort 1. */
const KEYS_PER_LOOP = 20;
/** Redis ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE: go on while more than this % of a round expired. */
const ACCEPTABLE_STALE = 10;
/** Redis ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC: share of a cron period the cycle may use. */
const SLOW_TIME_PERC = 25;
/** Redis checks the clock every 16 rounds: reading it per key would cost more than the work. */
const ROUNDS_PER_CLOCK_CHECK = 16;

interface Walker {
  map: Map<string, number>;
  iterator: Iterator<[string, number]>;
}

export interface ExpireCycleOptions {
  /** Monotonic clock in ms for the time budget (tests pass a fake one). */
  clock?: () => number;
}

export class ExpireCycle {
  private readonly walkers = new Map<number, Walker>();
  private readonly clock: () => number;
  /** Next db to start from: a cycle cut short by its budget resumes with the db it did not reach. */
  private nextDb = 0;
  /** INFO stats expired_time_cap_reached_count: cycles stopped by the time budget. */
  timeCapReached = 0;
  /** INFO stats expired_stale_perc / 100: estimated share of volatile keys already expired. */
  staleRatio = 0;

  constructor(
    private readonly server: Server,
    options: ExpireCycleOptions = {},
  ) {
    this.clock = options.clock ?? (() => clock.monotonic());
  }

  /** The budget of one cycle: 25% (+2% per effort step) of the cron period, as Redis. */
  budgetMs(): number {
    const effort = this.server.config.num('active-expire-effort') - 1;
    return ((SLOW_TIME_PERC + 2 * effort) / 100) * (1000 / this.server.config.num('hz'));
  }

  /**
   * One cycle at time `now` (unix ms). Does nothing on a replica (the master's DEL deletes keys
   * there), while loading, or when DEBUG SET-ACTIVE-EXPIRE turned it off. Returns keys expired.
   */
  run(now: number): number {
    const server = this.server;
    // Nor while clients are paused: the dataset stays fixed (a FAILOVER waits for it; Redis activeExpireCycle).
    if (server.isReplica || server.loading || !server.activeExpireEnabled || server.clientPause !== undefined) return 0;
    const effort = server.config.num('active-expire-effort') - 1;
    const keysPerLoop = KEYS_PER_LOOP + (KEYS_PER_LOOP / 4) * effort;
    const acceptableStale = ACCEPTABLE_STALE - effort;
    const started = this.clock();
    const deadline = started + this.budgetMs();
    const dbs = server.dbs;
    let total = 0;
    let sampledAll = 0;
    let expiredAll = 0;
    let rounds = 0;
    for (let n = 0; n < dbs.length; n++) {
      const db = dbs[this.nextDb]!;
      this.nextDb = (this.nextDb + 1) % dbs.length;
      for (;;) {
        const { sampled, expired } = this.round(db, now, keysPerLoop);
        total += expired;
        sampledAll += sampled;
        expiredAll += expired;
        rounds++;
        if (rounds % ROUNDS_PER_CLOCK_CHECK === 0 && this.clock() > deadline) {
          this.timeCapReached++;
          // Resume with this db next time: it still had work.
          this.nextDb = db.id;
          this.updateStale(sampledAll, expiredAll);
          return total;
        }
        if (sampled === 0 || (expired * 100) / sampled <= acceptableStale) break;
      }
    }
    this.updateStale(sampledAll, expiredAll);
    return total;
  }

  /** Examines up to `limit` volatile keys of `db` from where the last round stopped. */
  private round(db: Db, now: number, limit: number): { sampled: number; expired: number } {
    const expires = db.expires;
    const count = Math.min(limit, expires.size);
    let walker = this.walkers.get(db.id);
    if (!walker || walker.map !== expires) {
      walker = { map: expires, iterator: expires.entries() };
      this.walkers.set(db.id, walker);
    }
    let sampled = 0;
    let expired = 0;
    let restarted = false;
    while (sampled < count) {
      const next = walker.iterator.next();
      if (next.done) {
        if (restarted) break;
        restarted = true;
        walker.iterator = expires.entries();
        continue;
      }
      sampled++;
      const [key, when] = next.value;
      if (when <= now) {
        db.expireNow(key);
        expired++;
      }
    }
    return { sampled, expired };
  }

  /** Redis keeps a moving average: 95% previous value, 5% this cycle's ratio. */
  private updateStale(sampled: number, expired: number): void {
    const current = sampled > 0 ? expired / sampled : 0;
    this.staleRatio = current * 0.05 + this.staleRatio * 0.95;
  }
}

const cycles = new WeakMap<Server, ExpireCycle>();

/** Registers the active expiry cycle with the server cron (once per server). */
export function installExpireCycle(server: Server, options: ExpireCycleOptions = {}): ExpireCycle {
  const existing = cycles.get(server);
  if (existing) return existing;
  const cycle = new ExpireCycle(server, options);
  cycles.set(server, cycle);
  const latency = latencyEventsOf(server);
  server.addCronTask((now) => {
    const started = clock.monotonic();
    cycle.run(now);
    // Redis samples the cycle's run time as the `expire-cycle` latency event.
    latency.addIfNeeded('expire-cycle', Math.floor(clock.monotonic() - started));
  });
  return cycle;
}

/** The server's expiry cycle, if installed (INFO stats reads its counters). */
export function expireCycleOf(server: Server): ExpireCycle | undefined {
  return cycles.get(server);
}
