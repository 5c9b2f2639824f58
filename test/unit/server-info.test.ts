// INFO: Redis 7.0's section order and selection rules (checked against redis-server 7.0.15), the
// fields clients and sentinels parse, and the RESP3 verbatim form.

import { describe, expect, it } from 'vitest';
import { connect, makeServer } from '../helpers/unit-server.js';
import { VerbatimReply } from '../../src/shared/resp/reply.js';

function infoOf(...args: string[]): string {
  const server = makeServer();
  const reply = connect(server).run('INFO', ...args);
  return (reply as VerbatimReply).text;
}

const titles = (text: string) => text.split('\r\n').filter((line) => line.startsWith('# '));

const DEFAULT = ['# Server', '# Clients', '# Memory', '# Persistence', '# Stats', '# Replication', '# CPU', '# Modules', '# Errorstats', '# Cluster', '# Keyspace'];

describe('INFO sections', () => {
  it('gives the default sections in Redis order, sections separated by an empty line', () => {
    const text = infoOf();
    expect(titles(text)).toEqual(DEFAULT);
    expect(titles(infoOf('default'))).toEqual(DEFAULT);
    expect(text).toMatch(/^# Server\r\nredis_version:7\.0\.15\r\n/);
    expect(text).toContain('\r\n\r\n# Clients\r\n');
    expect(text.endsWith('# Keyspace\r\n')).toBe(true);
  });

  it('keeps Redis order whatever order sections are asked in, case-insensitively', () => {
    expect(titles(infoOf('cpu', 'SERVER'))).toEqual(['# Server', '# CPU']);
    // Redis's sections in Redis's order, then clusterctl's own (not part of the default INFO).
    expect(titles(infoOf('all'))).toEqual([
      ...DEFAULT.slice(0, 8),
      '# Commandstats',
      '# Errorstats',
      '# Latencystats',
      '# Cluster',
      '# Keyspace',
      '# Lostwrites',
      '# Fencing',
      '# Faults',
      '# Resyncs',
    ]);
    expect(titles(infoOf('everything'))).toEqual(titles(infoOf('all')));
  });

  it('answers an empty string for an unknown section', () => {
    expect(infoOf('nosuch')).toBe('');
  });

  it('has the fields ioredis and sentinels read', () => {
    const server = makeServer();
    const text = (connect(server).run('INFO') as VerbatimReply).text;
    expect(text).toContain('\r\nloading:0\r\n');
    expect(text).toContain(`\r\nrun_id:${server.runId}\r\n`);
    expect(server.runId).toMatch(/^[0-9a-f]{40}$/);
    expect(text).toContain('\r\nrole:master\r\n');
    expect(text).toContain('\r\nredis_mode:standalone\r\n');
    expect(text).toMatch(/\r\nprocess_id:\d+\r\n/);
    expect(text).toMatch(/\r\nused_memory:\d+\r\n/);
  });

  it('is a bulk string in RESP2 and a verbatim string in RESP3', () => {
    const c = connect(makeServer());
    expect(c.wire('INFO', 'cluster')).toBe('$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n');
    c.run('HELLO', '3');
    expect(c.wire('INFO', 'cluster')).toBe('=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n');
  });
});

describe('INFO contents', () => {
  it('reports keys and expiring keys per database', () => {
    const server = makeServer();
    const c = connect(server);
    c.run('SET', 'a', '1');
    c.run('SET', 'b', '2', 'EX', '100');
    c.run('SELECT', '3');
    c.run('SET', 'c', '3');
    const text = (c.run('INFO', 'keyspace') as VerbatimReply).text;
    expect(text).toMatch(/^# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=\d+\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n$/);
    const avg = Number(/avg_ttl=(\d+)/.exec(text)![1]);
    expect(avg).toBeGreaterThan(90_000);
    expect(avg).toBeLessThanOrEqual(100_000);
  });

  it('counts commands, failures and error codes', () => {
    const c = connect(makeServer());
    c.run('SET', 'a', 'x');
    c.run('INCR', 'a');
    c.run('GET');
    c.run('NOSUCH');
    const text = (c.run('INFO', 'commandstats', 'errorstats', 'stats') as VerbatimReply).text;
    expect(text).toMatch(/cmdstat_set:calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0\r\n/);
    expect(text).toMatch(/cmdstat_incr:calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=1\r\n/);
    expect(text).toContain('errorstat_ERR:count=3\r\n');
    expect(text).toContain('total_error_replies:3\r\n');
  });

  it('counts clients, pub/sub channels and patterns', () => {
    const server = makeServer();
    const c = connect(server);
    connect(server).run('SUBSCRIBE', 'a', 'b');
    connect(server).run('PSUBSCRIBE', 'p*');
    const text = (c.run('INFO', 'clients', 'stats') as VerbatimReply).text;
    expect(text).toContain('connected_clients:3\r\n');
    expect(text).toContain('pubsub_channels:2\r\n');
    expect(text).toContain('pubsub_patterns:1\r\n');
  });

  it('CONFIG RESETSTAT clears the counters', () => {
    const c = connect(makeServer());
    c.run('GET');
    c.run('CONFIG', 'RESETSTAT');
    const text = (c.run('INFO', 'errorstats', 'commandstats', 'stats') as VerbatimReply).text;
    expect(text).not.toContain('errorstat_ERR');
    expect(text).toContain('total_error_replies:0\r\n');
    expect(text).not.toContain('cmdstat_get');
  });
});
