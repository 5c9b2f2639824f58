// LATENCY LATEST | HISTORY | RESET | DOCTOR | GRAPH | HISTOGRAM | HELP (latency.c latencyCommand)
// over the latency monitor's events (base/latency-events.ts) and the per-command latency
// histograms kept with INFO commandstats (base/latency-histogram.ts).

import { ErrorReply, MapReply, VerbatimReply, type Reply } from '../../../shared/resp/reply.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { helpReply } from '../../base/help.js';
import { latencyEventsOf } from '../../base/latency-events.js';
import { cumulativeBuckets } from '../../base/latency-histogram.js';
import { latencyDoctor, latencyGraph } from './latency-report.js';

const ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const;

const HELP = [
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'GRAPH <event>',
  '    Return an ASCII latency graph for the <event> class.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  '    (default: reset all data for all event classes)',
  'HISTOGRAM [COMMAND ...]',
  '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
  '    If no commands are specified then all histograms are replied.',
];

function latest(ctx: CommandContext): Reply {
  return [...latencyEventsOf(ctx.server).events].map(([event, series]) => {
    const last = series.samples[series.samples.length - 1]!;
    return [event, last.time, last.latency, series.max];
  });
}

function history(ctx: CommandContext, args: string[]): Reply {
  const series = latencyEventsOf(ctx.server).events.get(args[2]!);
  return series === undefined ? [] : series.samples.map((s) => [s.time, s.latency]);
}

function reset(ctx: CommandContext, args: string[]): Reply {
  const events = latencyEventsOf(ctx.server);
  if (args.length === 2) return events.reset();
  return args.slice(2).reduce((sum, event) => sum + events.reset(event), 0);
}

function graph(ctx: CommandContext, args: string[]): Reply {
  const series = latencyEventsOf(ctx.server).events.get(args[2]!);
  if (series === undefined) return new ErrorReply(`ERR No samples available for event '${args[2]!}'`);
  return new VerbatimReply(latencyGraph(args[2]!, series));
}

function doctor(ctx: CommandContext): Reply {
  const config = ctx.server.config;
  const report = latencyDoctor(latencyEventsOf(ctx.server), { slowlogSlowerThan: config.num('slowlog-log-slower-than'), hz: config.num('hz') });
  return new VerbatimReply(report);
}

/** `calls` and the cumulative `histogram_usec` map of one command (fillCommandCDF). */
function commandHistogram(counts: readonly number[]): Reply {
  const buckets = cumulativeBuckets(counts);
  const calls = buckets.length === 0 ? 0 : buckets[buckets.length - 1]![1];
  return new MapReply(['calls', calls, 'histogram_usec', new MapReply(buckets.flat())]);
}

/**
 * HISTOGRAM: every command with calls, or the named ones (a container also names its
 * subcommands); unknown names are skipped, as Redis does.
 */
function histogram(ctx: CommandContext, args: string[]): Reply {
  const stats = ctx.server.stats.commandCalls;
  const names = args.length === 2 ? [...stats.keys()] : args.slice(2).flatMap((arg) => namesFor(ctx, arg.toLowerCase()));
  const flat: Reply[] = [];
  for (const name of names) {
    const counts = stats.get(name)?.histogram;
    if (counts !== undefined && counts.length > 0) flat.push(name, commandHistogram(counts));
  }
  return new MapReply(flat);
}

function namesFor(ctx: CommandContext, name: string): string[] {
  const [container, sub] = name.split('|');
  const spec = ctx.server.commands.get(container!);
  if (spec === undefined) return [];
  if (sub !== undefined) return spec.subcommands?.some((s) => s.name === sub) ? [name] : [];
  return [name, ...(spec.subcommands ?? []).map((s) => `${name}|${s.name}`)];
}

export const latencyCommands: CommandSpec[] = [
  command('latency', -2, [], () => null, undefined, {
    summary: 'A container for latency diagnostics commands',
    subcommands: [
      command('doctor', 2, ADMIN, doctor, undefined, { summary: 'Return a human readable latency analysis report.' }),
      command('graph', 3, ADMIN, graph, undefined, { summary: 'Return a latency graph for the event.' }),
      command('help', 2, ['loading', 'stale'], () => helpReply('LATENCY', HELP), undefined, {
        summary: 'Show helpful text about the different subcommands.',
      }),
      command('histogram', -2, ADMIN, histogram, undefined, {
        summary: 'Return the cumulative distribution of latencies of a subset of commands or all.',
      }),
      command('history', 3, ADMIN, history, undefined, { summary: 'Return timestamp-latency samples for the event.' }),
      command('latest', 2, ADMIN, latest, undefined, { summary: 'Return the latest latency samples for all events.' }),
      command('reset', -2, ADMIN, reset, undefined, { summary: 'Reset latency data for one or more events.' }),
    ],
  }),
];
