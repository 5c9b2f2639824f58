// FAILOVER's decisions on a scripted clock (replication/failover-decision.ts) and its argument
// parsing (commands/replication/failover.ts): the refusals in failoverCommand's order, and what
// updateFailoverStatus does as ACKs and time go by.

import { describe, expect, it } from 'vitest';
import { ErrorReply } from '../../src/shared/resp/reply.js';
import { findReplica, nextFailoverStep, refuseFailover, type FailoverPlan, type ReplicaView } from '../../src/server/replication/failover-decision.js';
import { parseFailover } from '../../src/server/commands/replication/failover.js';

const replica = (port: number, ackOffset: number, online = true, host = '127.0.0.1'): ReplicaView => ({ host, port, ackOffset, online });

describe('FAILOVER arguments', () => {
  const parse = (...args: string[]) => {
    const parsed = parseFailover(['FAILOVER', ...args]);
    return parsed instanceof ErrorReply ? parsed.message : parsed;
  };

  it('reads TO, TIMEOUT and FORCE in any order, each once', () => {
    expect(parse()).toEqual({ target: null, timeoutMs: 0, force: false });
    expect(parse('timeout', '50', 'FORCE', 'to', 'h', '7')).toEqual({ target: { host: 'h', port: 7 }, timeoutMs: 50, force: true });
    expect(parse('TO', '', '7')).toEqual({ target: { host: '', port: 7 }, timeoutMs: 0, force: false });
  });

  it('answers the first bad argument, left to right', () => {
    expect(parse('TIMEOUT', '0')).toBe('ERR FAILOVER timeout must be greater than 0');
    expect(parse('TIMEOUT', 'x', 'BOGUS')).toBe('ERR value is not an integer or out of range');
    expect(parse('BOGUS', 'TIMEOUT', 'x')).toBe('ERR syntax error');
    expect(parse('TIMEOUT', '5', 'TIMEOUT', '6')).toBe('ERR syntax error');
    expect(parse('TO', 'h', '1', 'TO', 'h', '2')).toBe('ERR syntax error');
    expect(parse('FORCE', 'FORCE')).toBe('ERR syntax error');
    expect(parse('TO', 'h')).toBe('ERR syntax error');
    expect(parse('TO', 'h', 'p')).toBe('ERR value is not an integer or out of range');
    expect(parse('ABORT')).toBe('ERR syntax error');
  });
});

describe('FAILOVER refusals', () => {
  const request = { target: null, timeoutMs: 0, force: false };

  it('checks state, role, replicas, FORCE, then the target, in that order', () => {
    expect(refuseFailover(request, 'waiting-for-sync', true, [])).toBe('ERR FAILOVER already in progress.');
    expect(refuseFailover(request, 'no-failover', true, [])).toBe('ERR FAILOVER is not valid when server is a replica.');
    expect(refuseFailover({ ...request, force: true }, 'no-failover', false, [])).toBe('ERR FAILOVER requires connected replicas.');
    expect(refuseFailover({ ...request, force: true, timeoutMs: 5 }, 'no-failover', false, [replica(1, 0)])).toMatch(/force option requires/);
    const target = { host: '127.0.0.1', port: 2 };
    expect(refuseFailover({ ...request, target }, 'no-failover', false, [replica(1, 0)])).toBe('ERR FAILOVER target HOST and PORT is not a replica.');
    expect(refuseFailover({ ...request, target }, 'no-failover', false, [replica(2, 0, false)])).toBe('ERR FAILOVER target replica is not online.');
    expect(refuseFailover({ ...request, target, force: true, timeoutMs: 5 }, 'no-failover', false, [replica(2, 0)])).toBeNull();
  });

  it('finds a target by address without case, never by name resolution', () => {
    expect(findReplica([replica(2, 0, true, 'Host-A')], 'host-a', 2)?.port).toBe(2);
    expect(findReplica([replica(2, 0)], 'localhost', 2)).toBeUndefined();
  });
});

describe('waiting for sync, on a scripted clock', () => {
  const plan = (over: Partial<FailoverPlan> = {}): FailoverPlan => ({ target: null, endTime: 0, force: false, ...over });

  it('fails over to the first replica whose ACK reached our offset', () => {
    const replicas = [replica(1, 90), replica(2, 100)];
    expect(nextFailoverStep(plan(), replicas, 110, 0)).toEqual({ kind: 'wait' });
    expect(nextFailoverStep(plan(), replicas, 100, 0)).toEqual({ kind: 'failover', target: { host: '127.0.0.1', port: 2 }, caughtUp: true });
  });

  it('with TO, only the named replica counts', () => {
    const p = plan({ target: { host: '127.0.0.1', port: 1 } });
    expect(nextFailoverStep(p, [replica(1, 90), replica(2, 100)], 100, 0)).toEqual({ kind: 'wait' });
    expect(nextFailoverStep(p, [replica(2, 100)], 100, 0)).toEqual({ kind: 'wait' });
    expect(nextFailoverStep(p, [replica(1, 100)], 100, 0).kind).toBe('failover');
  });

  it('at the deadline: aborts without FORCE, fails over anyway with it', () => {
    const target = { host: '127.0.0.1', port: 1 };
    const behind = [replica(1, 50)];
    expect(nextFailoverStep(plan({ target, endTime: 1000 }), behind, 100, 999)).toEqual({ kind: 'wait' });
    expect(nextFailoverStep(plan({ target, endTime: 1000 }), behind, 100, 1000)).toEqual({ kind: 'abort', reason: 'Replica never caught up before timeout' });
    expect(nextFailoverStep(plan({ target, endTime: 1000, force: true }), behind, 100, 1000)).toEqual({ kind: 'failover', target, caughtUp: false });
    // The deadline is looked at first, even when the replica just caught up.
    expect(nextFailoverStep(plan({ target, endTime: 1000 }), [replica(1, 100)], 100, 1000).kind).toBe('abort');
  });
});
