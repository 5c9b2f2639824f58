// Pure pieces of the CLI: durations, INFO parsing, the node.conf it writes, redis-cli style replies,
// "did you mean" and the process identity read from /proc.

import { describe, expect, it } from 'vitest';
import { formatReply } from '../../src/cli/commands/exec.js';
import { parseInfo, replicaLines } from '../../src/cli/probe/info.js';
import { fromInfo } from '../../src/cli/probe/probe.js';
import { liveness, processInfo } from '../../src/cli/proc/proc.js';
import { renderNodeConfig } from '../../src/cli/supervisor/node-config.js';
import { formatDuration, parseDuration } from '../../src/cli/util/duration.js';
import { table } from '../../src/cli/render/table.js';
import { closest } from '../../src/shared/closest.js';
import type { NodeRecord } from '../../src/cli/state/run-state.js';

describe('durations', () => {
  it('reads 60s, 500ms, 2m, 1.5s and bare seconds; refuses the rest', () => {
    expect([parseDuration('60s'), parseDuration('500ms'), parseDuration('2m'), parseDuration('1.5s'), parseDuration('10')]).toEqual([60_000, 500, 120_000, 1500, 10_000]);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration('-1s')).toBeUndefined();
    expect(formatDuration(525)).toBe('525 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
  });
});

describe('INFO', () => {
  const master = '# Replication\r\nrole:master\r\nconnected_slaves:2\r\nslave0:ip=127.0.0.1,port=7001,state=online,offset=420,lag=0\r\nslave1:ip=127.0.0.1,port=7002,state=wait_bgsave,offset=0,lag=1\r\nmaster_repl_offset:420\r\n# Memory\r\nused_memory:1082248\r\nused_memory_human:1.03M\r\n';
  const replica = 'role:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:7000\r\nmaster_link_status:up\r\nslave_repl_offset:400\r\nmaster_repl_offset:400\r\n';

  it('reads fields and the per-replica lines of a master', () => {
    const fields = parseInfo(master);
    expect(fields.role).toBe('master');
    expect(replicaLines(fields)).toEqual([
      { ip: '127.0.0.1', port: 7001, state: 'online', offset: 420, lag: 0 },
      { ip: '127.0.0.1', port: 7002, state: 'wait_bgsave', offset: 0, lag: 1 },
    ]);
  });

  it('turns INFO into a probe: roles, link, offsets, memory', () => {
    const m = fromInfo(7000, parseInfo(master));
    expect([m.role, m.offset, m.streamOffset, m.connectedReplicas, m.usedMemoryHuman, m.link]).toEqual(['master', 420, 420, 2, '1.03M', null]);
    const r = fromInfo(7001, parseInfo(replica));
    expect([r.role, r.masterPort, r.link, r.offset]).toEqual(['replica', 7000, 'up', 400]);
    expect(fromInfo(7001, parseInfo(replica.replace('link_status:up', 'link_status:down'))).link).toBe('down');
  });

  it('reads the history (master_replid) and, on our nodes, the fencing state', () => {
    const fenced = fromInfo(7000, parseInfo(`${master}master_replid:${'a'.repeat(40)}\r\n# Fencing\r\nfenced:1\r\nfence_reason:lease\r\n`));
    expect([fenced.replid, fenced.fenced]).toEqual(['a'.repeat(40), 'lease']);
    expect([fromInfo(7001, parseInfo(replica)).replid, fromInfo(7001, parseInfo(replica)).fenced]).toEqual([null, null]);
  });
});

describe('node.conf', () => {
  const record: NodeRecord = {
    name: 'r1', port: 7001, replicaof: 'm1', dir: '/data/my "cluster"/r1', configFile: '/x/node.conf', logFile: '/data/my "cluster"/r1/node.log',
    pid: null, startTime: null, startedAt: null,
  };

  it('quotes paths, writes the user directives after clusterctl defaults, empty values as ""', () => {
    const text = renderNodeConfig(record, { clusterName: 'demo', directives: [{ name: 'save', value: '' }, { name: 'repl-diskless-sync-delay', value: '2' }], upstreamPort: 7000 });
    const lines = text.trim().split('\n').filter((line) => !line.startsWith('#'));
    expect(lines).toEqual([
      'port 7001',
      'bind 127.0.0.1',
      'dir "/data/my \\"cluster\\"/r1"',
      'logfile "/data/my \\"cluster\\"/r1/node.log"',
      'daemonize no',
      'repl-diskless-sync-delay 0',
      'save ""',
      'repl-diskless-sync-delay 2',
      'replicaof 127.0.0.1 7000',
    ]);
  });

  it('gives a node with requirepass the same masterauth, unless the topology sets one', () => {
    const withPass = renderNodeConfig(record, { clusterName: 'demo', directives: [{ name: 'requirepass', value: 'pw' }], upstreamPort: null });
    expect(withPass).toContain('requirepass pw\nmasterauth pw\n');
    const own = renderNodeConfig(record, { clusterName: 'demo', directives: [{ name: 'requirepass', value: 'pw' }, { name: 'masterauth', value: 'other' }], upstreamPort: null });
    expect(own).not.toContain('masterauth pw');
  });

  it('has no replicaof line when the node starts as a master', () => {
    expect(renderNodeConfig(record, { clusterName: 'demo', directives: [], upstreamPort: null })).not.toContain('replicaof');
  });
});

describe('replies, tables, hints', () => {
  it('prints replies the way redis-cli does', () => {
    expect(formatReply(null)).toBe('(nil)');
    expect(formatReply(3)).toBe('(integer) 3');
    expect(formatReply([])).toBe('(empty array)');
    expect(formatReply(['a', ['b', 2]])).toBe('1) a\n2) 1) b\n   2) (integer) 2');
  });

  it('aligns table columns', () => {
    expect(table(['NODE', 'ROLE'], [['m1', 'master'], ['replica1', 'replica']])).toBe('NODE      ROLE\nm1        master\nreplica1  replica');
  });

  it('suggests only plausible typos', () => {
    expect(closest('replicaf', ['replicaof', 'port', 'config'])).toBe('replicaof');
    expect(closest('zzzzzz', ['replicaof', 'port'])).toBeUndefined();
  });
});

describe('process identity', () => {
  it('reads this process from /proc and tells a recycled pid from a live one', () => {
    const me = processInfo(process.pid)!;
    expect(me.comm.length).toBeGreaterThan(0);
    expect(liveness(process.pid, me.startTime)).toBe('running');
    expect(liveness(process.pid, me.startTime + 1)).toBe('recycled');
    expect(liveness(null, null)).toBe('gone');
    expect(processInfo(2 ** 22 + 7)).toBeUndefined();
  });
});
