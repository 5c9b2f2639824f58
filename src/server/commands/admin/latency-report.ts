// The texts LATENCY DOCTOR and LATENCY GRAPH answer (latency.c createLatencyReport and
// latencyCommandGenSparkeline, sparkline.c). DOCTOR speaks of the events our node records
// (command, fast-command, expire-cycle) and gives the advice Redis ties to them; the graph draws
// an event's samples as Redis's 4-row filled sparkline, labelled by how long ago each happened.

import { clock } from '../../base/clock.js';
import type { LatencyEvents, LatencySeries } from '../../base/latency-events.js';

interface SeriesStats {
  samples: number;
  avg: number;
  mad: number;
  period: number;
}

/** analyzeLatencyForEvent: count, integer average, mean absolute deviation, seconds since the oldest. */
function analyze(series: LatencySeries, nowS: number): SeriesStats {
  const samples = series.samples.length;
  if (samples === 0) return { samples, avg: 0, mad: 0, period: 0 };
  const avg = Math.floor(series.samples.reduce((sum, s) => sum + s.latency, 0) / samples);
  const mad = Math.floor(series.samples.reduce((sum, s) => sum + Math.abs(avg - s.latency), 0) / samples);
  const oldest = Math.min(...series.samples.map((s) => s.time));
  return { samples, avg, mad, period: Math.max(1, nowS - oldest) };
}

/** The advice lines, in Redis's order, that the recorded events call for. */
interface Advice {
  slowlogEnabled: boolean;
  slowlogTuning: boolean;
  slowlogInspect: boolean;
  scheduler: boolean;
  hz: boolean;
  largeObjects: boolean;
}

export interface DoctorSettings {
  slowlogSlowerThan: number;
  hz: number;
}

export function latencyDoctor(events: LatencyEvents, settings: DoctorSettings): string {
  if (events.events.size === 0 && events.threshold === 0) {
    return `I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n`;
  }
  const advice: Advice = { slowlogEnabled: false, slowlogTuning: false, slowlogInspect: false, scheduler: false, hz: false, largeObjects: false };
  let advices = 0;
  let report = '';
  let eventNum = 0;
  const nowS = Math.floor(clock.now() / 1000);
  for (const [event, series] of events.events) {
    eventNum++;
    if (eventNum === 1) report += "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
    const stats = analyze(series, nowS);
    const period = (stats.period / stats.samples).toFixed(2);
    report += `${eventNum}. ${event}: ${stats.samples} latency spikes (average ${stats.avg}ms, mean deviation ${stats.mad}ms, period ${period} sec). Worst all time event ${series.max}ms.`;
    advices += adviseFor(event, advice, settings, events.threshold);
    report += '\n';
  }
  if (eventNum === 0 && advices === 0) {
    return `${report}Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n`;
  }
  if (advices === 0) {
    return `${report}\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n`;
  }
  return `${report}\nI have a few advices for you:\n\n${adviceText(advice, settings, events.threshold)}`;
}

function adviseFor(event: string, advice: Advice, settings: DoctorSettings, threshold: number): number {
  switch (event.toLowerCase()) {
    case 'command': {
      let count = 2;
      if (settings.slowlogSlowerThan < 0) {
        advice.slowlogEnabled = true;
        count++;
      } else if (Math.trunc(settings.slowlogSlowerThan / 1000) > threshold) {
        advice.slowlogTuning = true;
        count++;
      }
      advice.slowlogInspect = advice.largeObjects = true;
      return count;
    }
    case 'fast-command':
      advice.scheduler = true;
      return 1;
    case 'expire-cycle':
      advice.hz = advice.largeObjects = true;
      return 2;
    default:
      return 0;
  }
}

function adviceText(advice: Advice, settings: DoctorSettings, threshold: number): string {
  let text = '';
  const suggested = threshold * 1000;
  if (advice.slowlogEnabled) {
    text += `- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ${suggested}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n`;
  }
  if (advice.slowlogTuning) {
    text += `- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${suggested}'.\n`;
  }
  if (advice.slowlogInspect) {
    text += '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n';
  }
  if (advice.scheduler) {
    text +=
      '- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n' +
      '  1) Lower the system load.\n' +
      '  2) Use a computer / VM just for Redis if you are running other software in the same system.\n' +
      '  3) Check if you have a "noisy neighbour" problem.\n' +
      "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n" +
      '  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n';
  }
  if (advice.hz && settings.hz < 100) {
    text += "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n";
  }
  if (advice.largeObjects) {
    text += '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n';
  }
  return text;
}

const GRAPH_COLUMNS = 80;
const GRAPH_ROWS = 4;
const FILL_CHARS = '_o#';

/** How long ago, as the graph labels it: seconds, minutes, hours or days. */
function ago(elapsed: number): string {
  if (elapsed < 60) return `${elapsed}s`;
  if (elapsed < 3600) return `${Math.floor(elapsed / 60)}m`;
  if (elapsed < 86400) return `${Math.floor(elapsed / 3600)}h`;
  return `${Math.floor(elapsed / 86400)}d`;
}

export function latencyGraph(event: string, series: LatencySeries): string {
  const nowS = Math.floor(clock.now() / 1000);
  const values = series.samples.map((s) => s.latency);
  const labels = series.samples.map((s) => ago(nowS - s.time));
  const high = Math.max(...values);
  const low = Math.min(...values);
  let graph = `${event} - high ${high} ms, low ${low} ms (all time high ${series.max} ms)\n${'-'.repeat(GRAPH_COLUMNS)}\n`;
  for (let start = 0; start < values.length; start += GRAPH_COLUMNS) {
    if (start !== 0) graph += '\n';
    graph += sparkRange(values.slice(start, start + GRAPH_COLUMNS), labels.slice(start, start + GRAPH_COLUMNS), low, high);
  }
  return graph;
}

/** One band of the sparkline: GRAPH_ROWS rows of bars, a blank spacer row, then the labels downwards. */
function sparkRange(values: number[], labels: string[], low: number, high: number): string {
  const steps = FILL_CHARS.length * GRAPH_ROWS;
  const range = high - low === 0 ? 1 : high - low;
  const levels = values.map((v) => Math.min(steps - 1, Math.max(0, Math.trunc(((v - low) * steps) / range))));
  let out = '';
  for (let row = 0; row < GRAPH_ROWS; row++) {
    out += `${levels.map((level) => barChar(level - (GRAPH_ROWS - row - 1) * FILL_CHARS.length)).join('')}\n`;
  }
  out += `${' '.repeat(values.length)}\n`;
  const longest = Math.max(...labels.map((l) => l.length));
  for (let i = 0; i < longest; i++) out += `${labels.map((l) => l[i] ?? ' ').join('')}\n`;
  return out;
}

function barChar(index: number): string {
  if (index >= 0 && index < FILL_CHARS.length) return FILL_CHARS[index]!;
  return index >= FILL_CHARS.length ? '|' : ' ';
}
