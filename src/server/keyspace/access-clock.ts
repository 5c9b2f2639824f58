// The per-key access clock the maxmemory policies rank keys by (Redis evict.c and the 24-bit `lru`
// field of its objects). Each key holds one small integer in Db.access, read two ways as in Redis:
// - LRU policies (and noeviction / random / volatile-ttl): the LRU clock of the last access, in
//   seconds, 24 bits (LRU_CLOCK_RESOLUTION 1000 ms, LRU_CLOCK_MAX), so it wraps every ~194 days;
// - LFU policies: 16 bits of "last decrement time" in minutes, then an 8-bit logarithmic counter
//   (LFU_INIT_VAL for a new key; an access increments it with probability 1/((c-5)*lfu-log-factor+1)
//   after taking off one per lfu-decay-time minutes elapsed, as updateLFU / LFUDecrAndReturn do).
// Switching policy at run time reinterprets the stored numbers, as in Redis ("LRU and LFU data will
// take some time to adjust").

import type { Config } from '../config/config.js';
import { clock } from '../base/clock.js';

/** LRU_CLOCK_MAX: the LRU clock is 24 bits of seconds. */
export const LRU_CLOCK_MAX = (1 << 24) - 1;
/** LFU_INIT_VAL: a new key's counter, so it is not evicted before it had a chance to be used. */
export const LFU_INIT_VAL = 5;
const LFU_COUNTER_MAX = 255;
const MINUTES_MASK = 65535;

export class AccessClock {
  /** An LFU policy is selected (MAXMEMORY_FLAG_LFU): keys keep counters instead of LRU times. */
  lfu = false;
  /** server.lruclock: the LRU clock, refreshed by the cron (LRU_CLOCK() reads this cached value). */
  lru = 0;
  /** LFUGetTimeInMinutes(): 16 bits of unix minutes, refreshed with the LRU clock. */
  minutes = 0;
  logFactor = 10;
  decayTime = 1;
  /** rand()/RAND_MAX of LFULogIncr; a test may make it deterministic. */
  random: () => number = Math.random;

  constructor(config?: Config) {
    this.refresh(clock.now());
    if (!config) return;
    const policy = () => {
      this.lfu = config.str('maxmemory-policy').includes('lfu');
    };
    policy();
    this.logFactor = config.num('lfu-log-factor');
    this.decayTime = config.num('lfu-decay-time');
    config.onChange('maxmemory-policy', policy);
    config.onChange('lfu-log-factor', (value) => (this.logFactor = value as number));
    config.onChange('lfu-decay-time', (value) => (this.decayTime = value as number));
  }

  /** Redis serverCron's `server.lruclock = getLRUClock()` (and the unixtime LFU reads). */
  refresh(nowMs: number): void {
    const seconds = Math.floor(nowMs / 1000);
    this.lru = seconds & LRU_CLOCK_MAX;
    this.minutes = Math.floor(seconds / 60) & MINUTES_MASK;
  }

  /** What a new object starts with (createObject): now, or LFU_INIT_VAL stamped with now. */
  fresh(): number {
    return this.lfu ? (this.minutes << 8) | LFU_INIT_VAL : this.lru;
  }

  /** The LFU value after an access (updateLFU): decay first, then the logarithmic increment. */
  accessedLfu(stored: number | undefined): number {
    const counter = this.logIncrement(stored === undefined ? LFU_INIT_VAL : this.frequency(stored));
    return (this.minutes << 8) | counter;
  }

  /** LFULogIncr: the higher the counter, the less likely an access moves it; saturates at 255. */
  logIncrement(counter: number): number {
    if (counter >= LFU_COUNTER_MAX) return LFU_COUNTER_MAX;
    const base = Math.max(0, counter - LFU_INIT_VAL);
    return this.random() < 1 / (base * this.logFactor + 1) ? counter + 1 : counter;
  }

  /** LFUDecrAndReturn: the counter less one per lfu-decay-time minutes since its last decrement. */
  frequency(stored: number): number {
    const counter = stored & 255;
    if (this.decayTime === 0) return counter;
    const periods = Math.floor(this.minutesSince(stored >> 8) / this.decayTime);
    return periods >= counter ? 0 : counter - periods;
  }

  /** LFUTimeElapsed: minutes since `ldt`, the 16-bit clock wrapping once at most. */
  private minutesSince(ldt: number): number {
    return this.minutes >= ldt ? this.minutes - ldt : MINUTES_MASK - ldt + this.minutes;
  }

  /**
   * objectSetLRUOrLFU (RESTORE IDLETIME / FREQ, RDB's idle and freq opcodes): the stamp for a key
   * given a frequency (kept under an LFU policy) or an idle time in seconds (kept under the others);
   * undefined when the given one does not apply (the key keeps the stamp of a new key).
   */
  restored(freq: number, idleSeconds: number): number | undefined {
    if (this.lfu) return freq >= 0 ? (this.minutes << 8) | freq : undefined;
    if (idleSeconds < 0) return undefined;
    const at = this.lru - idleSeconds;
    return at < 0 ? at + LRU_CLOCK_MAX : at;
  }

  /** estimateObjectIdleTime: milliseconds since the stored LRU time (wrapping once at most). */
  idleMs(stored: number): number {
    const lru = this.lru;
    return (lru >= stored ? lru - stored : lru + (LRU_CLOCK_MAX - stored)) * 1000;
  }
}
