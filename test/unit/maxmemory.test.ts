// maxmemory on a socket-less server: the access clock (LRU times, LFU counters with Redis's
// logarithmic increment and decay), the eviction pool's order, our used_memory accounting (kept
// incrementally, equal to a recount), and eviction per policy: the right class of keys goes,
// the dataset ends under maxmemory by our measure, evictions reach replicas as DEL, and
// denyoom commands get -OOM when nothing is left to evict.

import { afterEach, describe, expect, it } from 'vitest';
import { ErrorReply } from '../../src/shared/resp/reply.js';
import { useClock, type Clock } from '../../src/server/base/clock.js';
import { AccessClock, LFU_INIT_VAL } from '../../src/server/keyspace/access-clock.js';
import { EvictionPool, EVICTION_POOL_SIZE } from '../../src/server/maxmemory/eviction-pool.js';
import { evictionTimeLimitUs } from '../../src/server/maxmemory/evict.js';
import { oomCheck } from '../../src/server/maxmemory/oom-check.js';
import { usedMemory } from '../../src/server/maxmemory/used-memory.js';
import type { Server } from '../../src/server/server.js';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';

class FakeClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
  monotonic(): number {
    return this.ms;
  }
}

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

/** A server with the oom check wired as main.ts wires it, its propagation recorded. */
function node(directives: Record<string, string> = {}): { server: Server; c: TestClient; propagated: string[][] } {
  const server = makeServer(directives);
  server.requestPath.check('oom', oomCheck(server));
  const propagated: string[][] = [];
  server.requestPath.observe({ propagate: (_db, commands) => propagated.push(...commands) });
  return { server, c: connect(server), propagated };
}

/** Sets maxmemory `below` bytes under what is used now, so the next command must evict. */
function squeeze(server: Server, c: TestClient, below: number): number {
  const limit = usedMemory(server) - below;
  c.run('CONFIG', 'SET', 'maxmemory', String(limit));
  return limit;
}

const error = (reply: unknown) => (reply instanceof ErrorReply ? reply.message : `not an error: ${String(reply)}`);

describe('access clock', () => {
  it('LFU: new keys start at 5, the increment gets rarer as the counter grows, decay takes one per period', () => {
    const clock = new AccessClock();
    clock.lfu = true;
    clock.refresh(60_000 * 1000);
    expect(clock.fresh() & 255).toBe(LFU_INIT_VAL);
    clock.random = () => 0.5;
    // At or below LFU_INIT_VAL the probability is 1; at 6 with factor 10 it is 1/11 < 0.5.
    expect(clock.logIncrement(5)).toBe(6);
    expect(clock.logIncrement(6)).toBe(6);
    clock.random = () => 0.05;
    expect(clock.logIncrement(6)).toBe(7);
    expect(clock.logIncrement(255)).toBe(255);
    const stamp = (clock.minutes << 8) | 20;
    clock.refresh((60_000 + 3 * 60) * 1000);
    expect(clock.frequency(stamp)).toBe(17);
    clock.decayTime = 0;
    expect(clock.frequency(stamp)).toBe(20);
  });

  it('LRU: idle time in ms from 24-bit seconds, wrapping once', () => {
    const clock = new AccessClock();
    clock.refresh(1000 * 1000);
    expect(clock.idleMs(990)).toBe(10_000);
    clock.refresh(5 * 1000);
    expect(clock.idleMs((1 << 24) - 10)).toBe(14_000);
  });

  it('OBJECT IDLETIME follows accesses; OBJECT, TYPE, EXISTS and TTL do not touch, TOUCH does', () => {
    const fake = new FakeClock(1_700_000_000_000);
    restore = useClock(fake);
    const { server, c } = node();
    c.run('SET', 'k', 'v');
    fake.ms += 30_000;
    server.accessClock.refresh(fake.ms);
    for (const cmd of [['OBJECT', 'ENCODING', 'k'], ['TYPE', 'k'], ['EXISTS', 'k'], ['TTL', 'k'], ['SCAN', '0', 'TYPE', 'string']]) c.run(...cmd);
    expect(c.run('OBJECT', 'IDLETIME', 'k')).toBe(30);
    c.run('TOUCH', 'k');
    expect(c.run('OBJECT', 'IDLETIME', 'k')).toBe(0);
    fake.ms += 5_000;
    server.accessClock.refresh(fake.ms);
    c.run('GET', 'k');
    expect(c.run('OBJECT', 'IDLETIME', 'k')).toBe(0);
    expect(c.run('RESTORE', 'r', '0', c.run('DUMP', 'k') as string, 'IDLETIME', '100')).toBeTruthy();
    expect(c.run('OBJECT', 'IDLETIME', 'r')).toBe(100);
  });
});

describe('eviction pool', () => {
  it('keeps the 16 best scores in ascending order and pops the best first', () => {
    const pool = new EvictionPool();
    for (let i = 0; i < 40; i++) pool.offer((i * 7) % 40, `k${i}`, 0);
    expect(pool.size).toBe(EVICTION_POOL_SIZE);
    const scores = pool.snapshot().map((e) => e.score);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(scores[0]).toBe(24);
    expect(pool.popBest()?.score).toBe(39);
    pool.offer(0, 'worse', 0);
    expect(pool.size).toBe(EVICTION_POOL_SIZE);
    expect(pool.snapshot().some((e) => e.key === 'worse')).toBe(true);
    pool.offer(-1, 'also-worse', 0);
    expect(pool.snapshot().some((e) => e.key === 'also-worse')).toBe(false);
  });

  it('tenacity maps to Redis time budgets', () => {
    expect(evictionTimeLimitUs(0)).toBe(0);
    expect(evictionTimeLimitUs(10)).toBe(500);
    expect(evictionTimeLimitUs(11)).toBe(575);
    expect(evictionTimeLimitUs(100)).toBe(Infinity);
  });
});

describe('used_memory accounting', () => {
  it('the incremental total equals a recount after every kind of write', () => {
    const { server, c } = node();
    const script: (string | number)[][] = [
      ['SET', 'a', 'x'.repeat(100)], ['SET', 'n', '12345'], ['APPEND', 'a', 'yyy'], ['INCR', 'n'], ['EXPIRE', 'a', 100],
      ['HSET', 'h', 'f1', 'v1', 'f2', 'v'.repeat(80)], ['LPUSH', 'l', 'a', 'b', 'c'], ['RPOP', 'l'], ['SADD', 's', '1', '2', 'x'],
      ['ZADD', 'z', 1, 'm1', 2, 'm2'], ['XADD', 'st', '*', 'f', 'v'], ['RENAME', 'h', 'h2'], ['COPY', 'z', 'z2'], ['SELECT', 1],
      ['SET', 'other', 'db1'], ['SELECT', 0], ['SWAPDB', 0, 1], ['DEL', 'other'], ['SWAPDB', 0, 1], ['PERSIST', 'a'],
      ['LPOP', 'l', 10], ['SPOP', 's'], ['FLUSHDB'], ['SET', 'after', 'flush'], ['GETDEL', 'after'], ['SET', 'k', 'v', 'EX', 10],
      // Several keys in one unit (the Maps behind the first key), twice the same key, across dbs.
      ['MSET', 'm1', '1', 'm2', 'x'.repeat(60), 'm1', '2'], ['MULTI'], ['SET', 'k', 'w'], ['SELECT', 2], ['SET', 'k', '12'],
      ['APPEND', 'k', 'z'.repeat(300)], ['SELECT', 0], ['DEL', 'm1'], ['EXEC'], ['EVAL', "redis.call('set','e','1'); redis.call('rpush','el','a','b'); return 1", 0],
      ['MOVE', 'e', 3],
    ];
    for (const cmd of script) {
      c.run(...cmd);
      expect(server.memory.total(), cmd.join(' ')).toBe(server.memory.recount(server.dbs));
    }
    expect(usedMemory(server)).toBeGreaterThan(usedMemory(makeServer()));
  });
});

describe('eviction', () => {
  it('allkeys-lru evicts the least recently used key first and ends under maxmemory', () => {
    const fake = new FakeClock(1_700_000_000_000);
    restore = useClock(fake);
    const { server, c, propagated } = node({ 'maxmemory-policy': 'allkeys-lru', 'maxmemory-samples': '64' });
    for (const key of ['old', 'mid', 'new']) {
      c.run('SET', key, 'v'.repeat(50));
      fake.ms += 10_000;
      server.accessClock.refresh(fake.ms);
    }
    c.run('GET', 'old');
    const limit = squeeze(server, c, 1);
    c.run('PING');
    expect(c.run('EXISTS', 'mid')).toBe(0);
    expect(c.run('EXISTS', 'old', 'new')).toBe(2);
    expect(usedMemory(server)).toBeLessThanOrEqual(limit);
    expect(propagated).toContainEqual(['DEL', 'mid']);
    expect(c.wire('INFO', 'stats')).toMatch(/\r\nevicted_keys:1\r\n/);
  });

  it('allkeys-lfu evicts the least frequently used key', () => {
    const { server, c } = node({ 'maxmemory-policy': 'allkeys-lfu', 'maxmemory-samples': '64' });
    server.accessClock.random = () => 0;
    c.run('MSET', 'hot', 'v', 'warm', 'v', 'cold', 'v');
    for (let i = 0; i < 20; i++) c.run('GET', 'hot');
    for (let i = 0; i < 5; i++) c.run('GET', 'warm');
    expect(c.run('OBJECT', 'FREQ', 'hot')).toBe(25);
    squeeze(server, c, 1);
    c.run('PING');
    expect(c.run('EXISTS', 'cold')).toBe(0);
    expect(c.run('EXISTS', 'hot', 'warm')).toBe(2);
  });

  it('volatile-ttl evicts the nearest expiry first and never a key without TTL', () => {
    const { server, c } = node({ 'maxmemory-policy': 'volatile-ttl', 'maxmemory-samples': '64' });
    c.run('SET', 'keep', 'v'.repeat(500));
    c.run('SET', 'later', 'v', 'EX', 300);
    c.run('SET', 'soon', 'v', 'EX', 100);
    c.run('SET', 'latest', 'v', 'EX', 900);
    squeeze(server, c, 1);
    c.run('PING');
    expect(c.run('EXISTS', 'soon')).toBe(0);
    expect(c.run('EXISTS', 'later', 'latest', 'keep')).toBe(3);
  });

  for (const policy of ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl']) {
    it(`${policy} evicts only keys with a TTL, then answers -OOM to denyoom commands`, () => {
      const { server, c, propagated } = node({ 'maxmemory-policy': policy });
      c.run('MSET', 'p1', 'a', 'p2', 'b');
      c.run('SET', 'v1', 'x', 'EX', 100);
      c.run('SET', 'v2', 'y', 'PX', 100000);
      c.run('CONFIG', 'SET', 'maxmemory', '1');
      expect(c.run('GET', 'p1')).toBe('a');
      expect(c.run('DBSIZE')).toBe(2);
      expect(propagated.filter((cmd) => cmd[0] === 'DEL').map((cmd) => cmd[1]).sort()).toEqual(['v1', 'v2']);
      expect(error(c.run('SET', 'p3', 'c'))).toBe("OOM command not allowed when used memory > 'maxmemory'.");
      expect(c.run('DEL', 'p2')).toBe(1);
      void server;
    });
  }

  it('allkeys-random evicts until under the limit; noeviction evicts nothing', () => {
    const { server, c } = node({ 'maxmemory-policy': 'noeviction' });
    for (let i = 0; i < 100; i++) c.run('SET', `k${i}`, 'v'.repeat(100));
    const limit = squeeze(server, c, 3000);
    expect(error(c.run('SET', 'x', 'y'))).toMatch(/^OOM /);
    expect(c.run('DBSIZE')).toBe(100);
    c.run('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random');
    expect(c.run('SET', 'x', 'y')).toBeTruthy();
    expect(c.run('DBSIZE') as number).toBeLessThan(100);
    expect(usedMemory(server)).toBeLessThanOrEqual(limit + server.memory.keyBytes(server.db(0), 'x'));
  });

  it('MULTI: out of memory, queueing is refused; EXEC of a queued denyoom command is refused', () => {
    const { server, c } = node();
    const admin = connect(server);
    c.run('SET', 'k', 'v');
    admin.run('CONFIG', 'SET', 'maxmemory', '1');
    c.run('MULTI');
    expect(error(c.run('GET', 'k'))).toMatch(/^OOM /);
    expect(error(c.run('EXEC'))).toBe('EXECABORT Transaction discarded because of previous errors.');
    admin.run('CONFIG', 'SET', 'maxmemory', '0');
    c.run('MULTI');
    c.run('SET', 'k', 'w');
    admin.run('CONFIG', 'SET', 'maxmemory', '1');
    expect(error(c.run('EXEC'))).toBe("EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.");
    c.run('MULTI');
    c.run('DISCARD');
    expect(c.run('GET', 'k')).toBe('v');
  });

  it('scripts: a first denyoom call fails out of memory, not after a write; allow-oom runs', () => {
    const { server, c } = node();
    const admin = connect(server);
    c.run('SET', 'a', '1');
    admin.run('CONFIG', 'SET', 'maxmemory', '1');
    expect(error(c.run('EVAL', "return redis.pcall('set','x','y')", 0))).toBe("OOM command not allowed when used memory > 'maxmemory'.");
    expect(c.run('EVAL', "return redis.call('get','a')", 0)).toBe('1');
    expect(c.run('EVAL', "redis.call('del','a'); return redis.call('set','x','y')", 0)).toBeTruthy();
    expect(error(c.run('EVAL', "#!lua\nreturn 1", 0))).toMatch(/^OOM /);
    expect(c.run('EVAL', "#!lua flags=allow-oom\nreturn redis.call('set','y','z')", 0)).toBeTruthy();
    admin.run('CONFIG', 'SET', 'maxmemory', '0');
    expect(c.run('EVAL', "return redis.call('set','x','w')", 0)).toBeTruthy();
  });

  it('RENAME and MOVE carry the access stamp, COPY starts fresh', () => {
    const { server, c } = node({ 'maxmemory-policy': 'allkeys-lfu' });
    server.accessClock.random = () => 0;
    c.run('SET', 'k', 'v');
    for (let i = 0; i < 10; i++) c.run('GET', 'k');
    c.run('SET', 'other', 'v');
    c.run('RENAME', 'k', 'other');
    expect(c.run('OBJECT', 'FREQ', 'other')).toBe(16);
    c.run('COPY', 'other', 'copy');
    expect(c.run('OBJECT', 'FREQ', 'copy')).toBe(5);
    // COPY and MOVE look the source up (one access each, as lookupKeyRead / lookupKeyWrite do).
    c.run('MOVE', 'other', 1);
    c.run('SELECT', 1);
    expect(c.run('OBJECT', 'FREQ', 'other')).toBe(18);
  });

  it('INFO counts the time spent over maxmemory (total / current_eviction_exceeded_time)', () => {
    const fake = new FakeClock(1_000_000);
    restore = useClock(fake);
    const { c } = node();
    const field = (name: string) => Number(new RegExp(`\r\n${name}:(\\d+)\r\n`).exec(c.wire('INFO', 'stats'))![1]);
    c.run('CONFIG', 'SET', 'maxmemory', '1');
    expect(error(c.run('SET', 'k', 'v'))).toMatch(/^OOM /);
    fake.ms += 1500;
    expect(field('current_eviction_exceeded_time')).toBe(1500);
    expect(field('total_eviction_exceeded_time')).toBe(1500);
    c.run('CONFIG', 'SET', 'maxmemory', '1gb');
    fake.ms += 200;
    c.run('PING');
    expect(field('current_eviction_exceeded_time')).toBe(0);
    expect(field('total_eviction_exceeded_time')).toBe(1700);
    c.run('CONFIG', 'RESETSTAT');
    expect(field('total_eviction_exceeded_time')).toBe(0);
  });

  it('a replica ignoring maxmemory does not evict', () => {
    const { server, c } = node({ 'maxmemory-policy': 'allkeys-random' });
    c.run('SET', 'k', 'v');
    server.isReplica = true;
    c.run('CONFIG', 'SET', 'maxmemory', '1');
    c.run('PING');
    expect(server.db(0).data.size).toBe(1);
  });
});
