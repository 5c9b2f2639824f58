// MONITOR's feed, the slow log, the latency monitor and histograms, and the keyspace refusal of
// monitors, on a socket-less server with the call observers wired as main.ts wires them.

import { afterEach, describe, expect, it } from 'vitest';
import { ErrorReply, SimpleString, type VerbatimReply } from '../../src/shared/resp/reply.js';
import { useClock } from '../../src/server/base/clock.js';
import { latencyEventsOf } from '../../src/server/base/latency-events.js';
import { cumulativeBuckets, histogramLevel, LEVEL_LABELS_US, recordLatency } from '../../src/server/base/latency-histogram.js';
import { connect, makeServer } from '../helpers/unit-server.js';
import { monitorLine, monitorObserver, quoteArg, redacted, replicaKeyspaceCheck } from '../../src/server/request/monitor-feed.js';
import { commandLatencyObserver, slowlogObserver, trimmedArgs } from '../../src/server/request/slowlog.js';
import type { Server } from '../../src/server/server.js';
import { allocSize, sdsSize } from '../../src/server/keyspace/memory-size.js';

function wiredServer(directives: Record<string, string> = {}): Server {
  const server = makeServer(directives);
  server.requestPath.check('replica-keyspace', replicaKeyspaceCheck).observeCalls(commandLatencyObserver(server)).observeCalls(slowlogObserver(server)).observeCalls(monitorObserver(server));
  return server;
}

/** The monitor lines pushed to a client, with the time masked. */
function lines(pushed: unknown[]): string[] {
  return pushed.map((reply) => (reply as SimpleString).value.replace(/^\d+\.\d{6} /, 'T '));
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('MONITOR', () => {
  let server: Server;
  afterEach(() => server?.stopCron());

  it('quotes arguments as sdscatrepr', () => {
    expect(quoteArg('a\x00\n"\\\xff b\t\r\x07\x08')).toBe('"a\\x00\\n\\"\\\\\\xff b\\t\\r\\a\\b"');
    expect(monitorLine(1796409953179, 3, '127.0.0.1:5', ['GET', 'k'])).toBe('1796409953.179000 [3 127.0.0.1:5] "GET" "k"');
    expect(monitorLine(1000, 0, '', ['get', 'x'])).toBe('1.000000 [0 lua] "get" "x"');
  });

  it('redacts AUTH and HELLO AUTH as Redis does', () => {
    expect(redacted(['AUTH', 'pw'])).toEqual(['AUTH', '(redacted)']);
    expect(redacted(['AUTH', 'u', 'pw'])).toEqual(['AUTH', '(redacted)', '(redacted)']);
    expect(redacted(['AUTH', 'a', 'b', 'c'])).toEqual(['AUTH', 'a', 'b', 'c']);
    expect(redacted(['HELLO', '3', 'SETNAME', 'n', 'AUTH', 'u', 'p'])).toEqual(['HELLO', '3', 'SETNAME', 'n', 'AUTH', '(redacted)', '(redacted)']);
    expect(redacted(['HELLO', '4', 'AUTH', 'u', 'p'])).toEqual(['HELLO', '4', 'AUTH', 'u', 'p']);
  });

  it('feeds commands after they run, MULTI/EXEC as 7.0 shows them, not refused or admin ones', async () => {
    server = wiredServer();
    const monitor = connect(server);
    const other = connect(server);
    expect(monitor.run('MONITOR')).toEqual(new SimpleString('OK'));
    other.run('SET', 'k', 'v');
    other.run('NOSUCH');
    other.run('GET');
    other.run('CONFIG', 'GET', 'maxmemory');
    other.run('MULTI');
    other.run('INCR', 'n');
    other.run('EXEC');
    other.run('SELECT', '2');
    other.run('PING');
    expect(lines(monitor.pushed)).toEqual([
      'T [0 127.0.0.1:50000] "SET" "k" "v"',
      'T [0 127.0.0.1:50000] "MULTI"',
      'T [0 127.0.0.1:50000] "INCR" "n"',
      'T [0 127.0.0.1:50000] "EXEC"',
      'T [2 127.0.0.1:50000] "SELECT" "2"',
      'T [2 127.0.0.1:50000] "PING"',
    ]);
    await flush();
  });

  it('refuses keyspace commands from a monitor, ignores a second MONITOR, ends on RESET', async () => {
    server = wiredServer();
    const monitor = connect(server);
    monitor.run('MONITOR');
    expect(monitor.run('GET', 'k')).toEqual(new ErrorReply("ERR Replica can't interact with the keyspace"));
    expect(typeof monitor.run('MONITOR')).toBe('symbol');
    expect(monitor.client.flags).toBe('O');
    expect(monitor.run('PING')).toEqual(new SimpleString('PONG'));
    await flush();
    expect(lines(monitor.pushed)).toEqual(['T [0 127.0.0.1:50000] "PING"']);
    monitor.run('RESET');
    expect(monitor.client.monitoring).toBe(false);
    expect(monitor.run('GET', 'k')).toBeNull();
  });

  it('refuses MONITOR inside EXEC', () => {
    server = wiredServer();
    const client = connect(server);
    client.run('MULTI');
    client.run('MONITOR');
    expect(client.run('EXEC')).toEqual([new ErrorReply("ERR MONITOR isn't allowed for DENY BLOCKING client")]);
  });
});

describe('SLOWLOG', () => {
  it('trims arguments as Redis: 32 of them, 128 bytes each', () => {
    const many = Array.from({ length: 40 }, (_, i) => `a${i}`);
    const trimmed = trimmedArgs(many);
    expect(trimmed).toHaveLength(32);
    expect(trimmed[31]).toBe('... (9 more arguments)');
    expect(trimmedArgs(['x'.repeat(130)])).toEqual([`${'x'.repeat(128)}... (2 more bytes)`]);
  });

  it('logs every command at threshold 0, newest first, and answers GET/LEN/RESET', () => {
    const server = wiredServer({ 'slowlog-log-slower-than': '0', 'slowlog-max-len': '3' });
    const client = connect(server);
    client.run('CLIENT', 'SETNAME', 'me');
    client.run('SET', 'k', 'v');
    client.run('AUTH', 'secret');
    client.run('MULTI');
    client.run('GET', 'k');
    client.run('EXEC');
    const entries = client.run('SLOWLOG', 'GET', '-1') as unknown[][];
    expect(entries.map((e) => e[3])).toEqual([['GET', 'k'], ['MULTI'], ['AUTH', '(redacted)']]);
    const [id, time, duration, , addr, name] = entries[0]!;
    expect(id).toBe(4); // CLIENT SETNAME 0, SET 1, AUTH 2, MULTI 3, GET 4; EXEC is skip_slowlog
    expect(typeof time).toBe('number');
    expect(duration).toBeGreaterThanOrEqual(0);
    expect([addr, name]).toEqual(['127.0.0.1:50000', 'me']);
    expect(client.run('SLOWLOG', 'LEN')).toBe(3);
    expect(client.run('SLOWLOG', 'GET', '-2')).toEqual(new ErrorReply('ERR count should be greater than or equal to -1'));
    expect(client.run('SLOWLOG', 'RESET')).toEqual(new SimpleString('OK'));
    expect(client.run('SLOWLOG', 'LEN')).toBe(1);
  });

  it('logs nothing under a negative threshold', () => {
    const server = wiredServer({ 'slowlog-log-slower-than': '-1' });
    const client = connect(server);
    client.run('SET', 'k', 'v');
    expect(client.run('SLOWLOG', 'LEN')).toBe(0);
  });
});

describe('LATENCY', () => {
  it('buckets calls at the levels Redis reports (1024 ns doubling, labelled by HDR equivalence)', () => {
    expect(LEVEL_LABELS_US.slice(0, 10)).toEqual([1, 2, 4, 8, 16, 33, 66, 132, 264, 528]);
    const label = (us: number) => LEVEL_LABELS_US[histogramLevel(us)];
    expect([0, 1, 2, 3, 4, 5, 8, 9, 264, 265, 5_000_000].map(label)).toEqual([1, 1, 2, 4, 4, 8, 8, 16, 264, 528, 1082130]);
    const counts: number[] = [];
    for (const us of [1, 1, 3, 40]) recordLatency(counts, us);
    expect(cumulativeBuckets(counts)).toEqual([[1, 2], [4, 3], [66, 4]]);
  });

  it('keeps one sample per second per event, the worst, and answers LATEST/HISTORY/RESET/GRAPH', () => {
    let now = 1_700_000_000_000;
    const restore = useClock({ now: () => now, monotonic: () => now });
    try {
      const server = wiredServer({ 'latency-monitor-threshold': '5' });
      const events = latencyEventsOf(server);
      events.addIfNeeded('command', 4);
      events.addIfNeeded('command', 7);
      events.addIfNeeded('command', 9);
      now += 2000;
      events.addIfNeeded('command', 6);
      const client = connect(server);
      expect(client.run('LATENCY', 'LATEST')).toEqual([['command', 1_700_000_002, 6, 9]]);
      expect(client.run('LATENCY', 'HISTORY', 'command')).toEqual([[1_700_000_000, 9], [1_700_000_002, 6]]);
      expect(client.run('LATENCY', 'GRAPH', 'nope')).toEqual(new ErrorReply("ERR No samples available for event 'nope'"));
      const graph = (client.run('LATENCY', 'GRAPH', 'command') as VerbatimReply).text;
      expect(graph.split('\n').slice(0, 8)).toEqual(['command - high 9 ms, low 6 ms (all time high 9 ms)', '-'.repeat(80), '# ', '| ', '| ', '|_', '  ', '20']);
      expect(client.run('LATENCY', 'RESET', 'COMMAND', 'other')).toBe(1);
      expect(client.run('LATENCY', 'LATEST')).toEqual([]);
    } finally {
      restore();
    }
  });

  it('DOCTOR says what Redis says when the monitor is off or saw nothing', () => {
    const off = connect(wiredServer());
    expect((off.run('LATENCY', 'DOCTOR') as VerbatimReply).text).toMatch(/^I'm sorry, Dave, I can't do that. Latency monitoring is disabled/);
    const on = connect(wiredServer({ 'latency-monitor-threshold': '1' }));
    expect((on.run('LATENCY', 'DOCTOR') as VerbatimReply).text).toMatch(/^Dave, no latency spike was observed/);
  });
});

describe('MEMORY', () => {
  it("rounds to jemalloc's size classes and sizes sds headers by length", () => {
    expect([1, 8, 9, 21, 33, 64, 65, 129, 1006, 1025].map(allocSize)).toEqual([8, 8, 16, 32, 48, 64, 80, 160, 1024, 1280]);
    expect([0, 31, 32, 255, 256, 1000].map(sdsSize)).toEqual([8, 48, 48, 320, 320, 1024]);
  });

  it('USAGE counts key, entry and value as redis-server 7.0 does for small encodings', () => {
    const client = connect(wiredServer());
    client.run('SET', 'k', 'v');
    client.run('SET', 'i', '12345');
    client.run('RPUSH', 'l', 'a', 'b', 'c');
    client.run('SADD', 's2', 'a', 'b', 'c');
    // redis-server 7.0.15 answers 64, 48, 144 and 232 for these.
    expect(['k', 'i', 'l', 's2'].map((key) => client.run('MEMORY', 'USAGE', key))).toEqual([64, 48, 144, 232]);
    expect(client.run('MEMORY', 'USAGE', 'nope')).toBeNull();
    expect(client.run('MEMORY', 'USAGE', 'k', 'SAMPLES', '-1')).toEqual(new ErrorReply('ERR syntax error'));
    expect(client.run('MEMORY', 'USAGE', 'k', 'SAMPLES', 'x')).toEqual(new ErrorReply('ERR value is not an integer or out of range'));
  });
});
