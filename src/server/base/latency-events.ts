// The latency monitor's record (Redis latency.c): per event (`command`, `fast-command`,
// `expire-cycle`, ...) the last 160 samples, at most one per second (the worst of that second),
// and the worst ever seen. A sample is taken only when latency-monitor-threshold is set and the
// event lasted at least that many milliseconds. Fed by the request path (commands) and the cron
// tasks that time themselves; LATENCY reads it.

import type { Server } from '../server.js';
import { clock } from './clock.js';

/** LATENCY_TS_LEN of latency.h. */
export const LATENCY_SAMPLES = 160;

export interface LatencySample {
  /** Unix seconds. */
  time: number;
  /** Milliseconds. */
  latency: number;
}

export interface LatencySeries {
  /** Oldest first, at most LATENCY_SAMPLES. */
  samples: LatencySample[];
  /** The worst latency ever recorded for the event (until it is reset). */
  max: number;
}

export class LatencyEvents {
  /** By event name, in the order they were first seen. */
  readonly events = new Map<string, LatencySeries>();
  /** latency-monitor-threshold in ms (0: off), kept current by latencyEventsOf. */
  threshold = 0;

  /** latencyAddSampleIfNeeded: records `ms` when the monitor is on and the event was slow enough. */
  addIfNeeded(event: string, ms: number): void {
    if (this.threshold > 0 && ms >= this.threshold) this.add(event, ms);
  }

  add(event: string, ms: number): void {
    let series = this.events.get(event);
    if (series === undefined) this.events.set(event, (series = { samples: [], max: 0 }));
    if (ms > series.max) series.max = ms;
    const now = Math.floor(clock.now() / 1000);
    const last = series.samples[series.samples.length - 1];
    if (last !== undefined && last.time === now) {
      if (ms > last.latency) last.latency = ms;
      return;
    }
    series.samples.push({ time: now, latency: ms });
    if (series.samples.length > LATENCY_SAMPLES) series.samples.shift();
  }

  /** Forgets one event (its name compared without case) or, without a name, all; returns how many went. */
  reset(event?: string): number {
    let resets = 0;
    for (const name of [...this.events.keys()]) {
      if (event === undefined || name.toLowerCase() === event.toLowerCase()) {
        this.events.delete(name);
        resets++;
      }
    }
    return resets;
  }
}

const registry = new WeakMap<Server, LatencyEvents>();

/** The latency record of a server, following latency-monitor-threshold as CONFIG SET changes it. */
export function latencyEventsOf(server: Server): LatencyEvents {
  let events = registry.get(server);
  if (events === undefined) {
    const created = new LatencyEvents();
    created.threshold = server.config.num('latency-monitor-threshold');
    server.config.onChange('latency-monitor-threshold', (value) => (created.threshold = value as number));
    registry.set(server, (events = created));
  }
  return events;
}
