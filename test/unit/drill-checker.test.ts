// The drill's verdict and measurements from recorded outcomes and what the cluster held afterwards:
// lost acknowledged writes (and which the ledger kept), unknown outcomes present/absent, replicas
// that disagree, the 100 ms series, the unavailability window, recovery per fault; and how an
// ioredis error becomes an outcome.

import { describe, expect, it } from 'vitest';
import { checkWrites, type Readback } from '../../src/cli/drill/checker.js';
import { drillWritesInLedger } from '../../src/cli/drill/ledger.js';
import { unsettled } from '../../src/cli/drill/settled.js';
import { bucketSeries, longestGap } from '../../src/cli/drill/series.js';
import { buildTimeline, faultMetrics } from '../../src/cli/drill/timeline.js';
import { classifyError, type Outcome, type WriteRecord } from '../../src/cli/drill/workload.js';
import type { FaultEvent } from '../../src/cli/drill/faults.js';

function rec(seq: number, outcome: Outcome, sentAt: number, doneAt = sentAt + 1): WriteRecord {
  return { client: 0, group: 0, seq, key: `drill:t:0:${seq}`, value: String(seq), sentAt, doneAt, outcome, error: outcome === 'ok' ? null : 'x' };
}

function readback(master: Record<number, string | null>, replicas: Record<string, Record<number, string | null>> = {}): Readback {
  const map = (values: Record<number, string | null>) => new Map(Object.entries(values).map(([seq, v]) => [`drill:t:0:${seq}`, v]));
  return { master: map(master), replicas: Object.entries(replicas).map(([node, values]) => ({ node, values: map(values) })) };
}

describe('checkWrites', () => {
  const records = [rec(1, 'ok', 0), rec(2, 'ok', 10), rec(3, 'unknown', 20), rec(4, 'unknown', 30), rec(5, 'failed', 40), rec(6, 'ok', 50)];

  it('passes when every acknowledged write is on the master and every replica agrees', () => {
    const master = { 1: '1', 2: '2', 3: '3', 4: null, 5: null, 6: '6' };
    const result = checkWrites(records, readback(master, { r1: master, r2: master }), new Map());
    expect(result.verdict).toBe('pass');
    expect(result.writes).toEqual({ total: 6, ok: 3, failed: 1, unknown: 2 });
    expect(result.acknowledgedLost).toEqual({ count: 0, keys: [] });
    expect(result.unknown).toEqual({ present: 1, absent: 1 });
    expect(result.replicas.map((r) => r.differing)).toEqual([0, 0]);
  });

  it('an acknowledged write missing on the master is lost, named, and marked when a ledger holds it', () => {
    const master = { 1: '1', 2: null, 3: null, 4: null, 5: null, 6: null };
    const ledger = new Map([['drill:t:0:6', '6']]);
    const result = checkWrites(records, readback(master, { r1: master }), ledger);
    expect(result.verdict).toBe('loss');
    expect(result.acknowledgedLost).toEqual({ count: 2, keys: ['drill:t:0:2', 'drill:t:0:6'] });
    expect(result.recoveredByLedger).toEqual({ count: 1, keys: ['drill:t:0:6'] });
  });

  it('a refused write that is there anyway is reported; a replica that differs makes the verdict "diverged"', () => {
    const master = { 1: '1', 2: '2', 3: null, 4: null, 5: '5', 6: '6' };
    const result = checkWrites(records, readback(master, { r1: { ...master, 2: null } }), new Map());
    expect(result.failedButPresent).toEqual({ count: 1, keys: ['drill:t:0:5'] });
    expect(result.verdict).toBe('diverged');
    expect(result.replicas[0]).toEqual({ node: 'r1', differing: 1, sample: ['drill:t:0:2'] });
  });
});

describe('series', () => {
  it('counts outcomes per 100 ms by the time the outcome arrived', () => {
    const buckets = bucketSeries([rec(1, 'ok', 0, 5), rec(2, 'ok', 50, 99), rec(3, 'failed', 120, 150), rec(4, 'unknown', 100, 310)], 350);
    expect(buckets).toEqual([
      { atMs: 0, ok: 2, failed: 0, unknown: 0 },
      { atMs: 100, ok: 0, failed: 1, unknown: 0 },
      { atMs: 200, ok: 0, failed: 0, unknown: 0 },
      { atMs: 300, ok: 0, failed: 0, unknown: 1 },
    ]);
  });

  it('the unavailability window is the longest stretch without a +OK, the workload edges included', () => {
    const records = [rec(1, 'ok', 0, 100), rec(2, 'failed', 200, 300), rec(3, 'ok', 1400, 1500), rec(4, 'ok', 1500, 1600)];
    expect(longestGap(records, 0, 2000)).toEqual({ fromMs: 100, toMs: 1500, ms: 1400 });
    expect(longestGap([rec(1, 'ok', 0, 100)], 0, 5000)).toEqual({ fromMs: 100, toMs: 5000, ms: 4900 });
  });
});

describe('faultMetrics and timeline', () => {
  const fault: FaultEvent = { atMs: 1000, plannedMs: 1000, step: 'kill:master@1s', action: 'kill', nodes: ['m1'], ok: true, message: 'Killed m1.', disruptive: true };
  const switchMaster = { atMs: 2100, event: '+switch-master', detail: 'mymaster 127.0.0.1 7000 127.0.0.1 7001', sentinels: ['s1', 's2'] };
  const records = [rec(1, 'ok', 900, 950), rec(2, 'ok', 1001, 1002), rec(3, 'failed', 1010, 1020), rec(4, 'ok', 2200, 2300)];

  it('measures fault -> new master and fault -> first surviving acknowledged write', () => {
    const nodeAt = (port: number) => (port === 7001 ? 'r1' : null);
    const [m] = faultMetrics([fault], [switchMaster], records, nodeAt, new Set(['drill:t:0:2']));
    expect(m).toEqual({ step: 'kill:master@1s', nodes: ['m1'], atMs: 1000, newMaster: 'r1', newMasterAfterMs: 1100, firstProblemAfterMs: 20, firstWriteAfterMs: 1300, lostBefore: null });
  });

  it('counts the lost writes acknowledged before each fault and how long before it the oldest was', () => {
    const second: FaultEvent = { ...fault, atMs: 3000, plannedMs: 3000, step: 'crash:all@3s', action: 'crash' };
    const lost = new Set(['drill:t:0:1', 'drill:t:0:2', 'drill:t:0:4']);
    const [first, crash] = faultMetrics([fault, second], [], records, () => null, lost);
    expect(first!.lostBefore).toEqual({ count: 1, oldestMs: 50 });
    expect(crash!.lostBefore).toEqual({ count: 2, oldestMs: 1998 });
  });

  it('merges faults, notable sentinel events and client recovery in time order', () => {
    const metrics = faultMetrics([fault], [switchMaster], records, () => 'r1', new Set(['drill:t:0:2']));
    const hello = { atMs: 1500, event: '+sentinel', detail: 'noise', sentinels: ['s1'] };
    const timeline = buildTimeline({ faults: [fault], sentinel: [switchMaster, hello], metrics, convergedAtMs: 4000 });
    expect(timeline.map((e) => [e.atMs, e.kind])).toEqual([
      [1000, 'fault'],
      [1020, 'clients-failing'],
      [2100, 'failover'],
      [2300, 'clients-recovered'],
      [4000, 'converged'],
    ]);
  });
});

describe('outcome of a failed write', () => {
  const reply = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });
  it('an error reply is a refusal, except -UNKNOWN (applied, fate unknown)', () => {
    expect(classifyError(reply('FENCED this master is fenced')).outcome).toBe('failed');
    expect(classifyError(reply("READONLY You can't write against a read only replica.")).outcome).toBe('failed');
    expect(classifyError(reply('UNKNOWN write not acknowledged by 1 replica(s) within 1000 ms')).outcome).toBe('unknown');
  });
  it('a timeout or a connection lost in flight is unknown; a write ioredis never sent failed', () => {
    expect(classifyError(new Error('Command timed out')).outcome).toBe('unknown');
    expect(classifyError(new Error('Connection is closed.')).outcome).toBe('unknown');
    expect(classifyError(new Error('Connection is closed.'), false).outcome).toBe('failed');
    expect(classifyError(new Error("Stream isn't writeable and enableOfflineQueue options is false")).outcome).toBe('failed');
  });
});

describe('ledger', () => {
  it('picks the SETs of this run\'s keys out of the ledger entries', () => {
    const entries = [{ args: ['SET', 'drill:t:0:7', '7'] }, { args: ['SET', 'drill:other:0:1', '1'] }, { args: ['DEL', 'drill:t:0:8'] }, { args: ['set', 'drill:t:1:2', '2'] }];
    expect([...drillWritesInLedger(entries, 'drill:t:')]).toEqual([
      ['drill:t:0:7', '7'],
      ['drill:t:1:2', '2'],
    ]);
  });
});

describe('settled replicas', () => {
  const master = { role: 'master', master_replid: 'new', master_repl_offset: '500' };
  const replica = { role: 'slave', master_link_status: 'up', master_replid: 'new', slave_repl_offset: '500' };
  it('a replica on the master\'s history at its offset is settled', () => {
    expect(unsettled('r1', master, replica)).toBeNull();
  });
  it('a demoted master still on its own history is not, however large its offset', () => {
    expect(unsettled('m1', master, { ...replica, master_replid: 'old', slave_repl_offset: '9000' })).toBe('m1 is on history old, the master on new (resync not done)');
    expect(unsettled('m1', master, { ...replica, slave_repl_offset: '499' })).toBe('m1 at offset 499, the master at 500');
    expect(unsettled('m1', master, { ...replica, master_link_status: 'down' })).toBe('m1: link to the master is down');
    expect(unsettled('m1', master, { role: 'master' })).toBe('m1 is master, not a replica');
  });
});
