// Cluster routing: the pure decision (routeQuery, Redis 7.0 getNodeByQuery) on a hand-built view of
// a three-master cluster, then the request path's `cluster-redirect` check on a socket-less server
// (MULTI/EXEC, scripts' declared keys, ASKING / READONLY / READWRITE, RESTORE-ASKING, blocked
// clients redirected by the cron sweep). The wording of every reply is Redis's.

import { describe, expect, it } from 'vitest';
import { ErrorReply } from '../../src/shared/resp/reply.js';
import { NodeFlag } from '../../src/server/cluster/bus/node-flags.js';
import { keySlot } from '../../src/shared/key-slot.js';
import { registerClusterState } from '../../src/server/cluster/cluster-registry.js';
import { makeClusterNode } from '../../src/server/cluster/state/cluster-node.js';
import { ClusterState } from '../../src/server/cluster/state/cluster-state.js';
import { routeQuery, type RouteQuery } from '../../src/server/cluster/routing/route-query.js';
import { redirectReply } from '../../src/server/cluster/routing/redirect-reply.js';
import { clusterSlotCheck } from '../../src/server/cluster/routing/slot-check.js';
import { redirectBlockedClients } from '../../src/server/cluster/routing/blocked-redirect.js';
import { routingKeys } from '../../src/server/cluster/routing/command-keys.js';
import { buildCommandTable } from '../../src/server/commands/registry.js';
import { connect, makeServer } from '../helpers/unit-server.js';

const ME = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

/** Myself serves 0-5460, B 5461-10922, C 10923-16383 (redis-cli's split); all ok. */
function threeMasters(): ClusterState {
  const state = new ClusterState(ME);
  state.myself.ip = '127.0.0.1';
  state.myself.port = 7000;
  state.addNode(makeClusterNode({ id: B, ip: '127.0.0.2', port: 7001, flags: NodeFlag.Master, hostname: 'b.example' }));
  state.addNode(makeClusterNode({ id: C, ip: '127.0.0.3', port: 7002, flags: NodeFlag.Master }));
  state.slots.assignRange(0, 5460, ME);
  state.slots.assignRange(5461, 10922, B);
  state.slots.assignRange(10923, 16383, C);
  state.health = 'ok';
  return state;
}

/** Keys with a given hash tag all hash to its slot. */
const MINE = '{user1000}'; // slot 3443
const OTHER = '{foo}'; // slot 12182, served by C

function query(keys: string[][], extra: Partial<RouteQuery> = {}, present: string[] = []): RouteQuery {
  return {
    commandKeys: keys,
    write: false,
    writeWithQueue: false,
    askingCommand: false,
    pubsubShard: false,
    migrate: false,
    asking: false,
    readonly: false,
    allowReadsWhenDown: false,
    allowPubsubShardWhenDown: true,
    exists: (key) => present.includes(key),
    ...extra,
  };
}

function wording(state: ClusterState, q: RouteQuery): string {
  const verdict = routeQuery(state, q);
  return verdict.kind === 'here' ? 'here' : redirectReply(verdict, 'ip').message;
}

describe('routeQuery (getNodeByQuery)', () => {
  it('knows the slots the tests rely on', () => {
    expect(keySlot(MINE)).toBe(3443);
    expect(keySlot(OTHER)).toBe(12182);
  });

  it('serves its own slots and a request without keys', () => {
    const state = threeMasters();
    expect(routeQuery(state, query([[`${MINE}a`]]))).toEqual({ kind: 'here', slot: 3443 });
    expect(routeQuery(state, query([[]]))).toEqual({ kind: 'here', slot: undefined });
  });

  it('redirects with MOVED to the owner, by ip or hostname', () => {
    const state = threeMasters();
    expect(wording(state, query([['foo']]))).toBe('MOVED 12182 127.0.0.3:7002');
    const verdict = routeQuery(state, query([['c']]));
    expect(verdict.kind).toBe('moved');
    expect(redirectReply(verdict as never, 'hostname').message).toBe('MOVED 7365 b.example:7001');
    expect(redirectReply(routeQuery(state, query([['foo']])) as never, 'hostname').message).toBe('MOVED 12182 ?:7002');
    expect(redirectReply(verdict as never, 'unknown-endpoint').message).toBe('MOVED 7365 :7001');
  });

  it('answers CROSSSLOT for keys of two slots, even across a MULTI queue', () => {
    const state = threeMasters();
    expect(wording(state, query([['a', 'b']]))).toBe("CROSSSLOT Keys in request don't hash to the same slot");
    expect(wording(state, query([[`${MINE}1`], [`${MINE}2`, 'x']]))).toBe("CROSSSLOT Keys in request don't hash to the same slot");
    // The same key twice is one key.
    expect(routeQuery(state, query([[`${MINE}1`, `${MINE}1`]])).kind).toBe('here');
  });

  it('answers CLUSTERDOWN for an unassigned slot and when the cluster is down', () => {
    const state = threeMasters();
    state.slots.unassign(3443);
    expect(wording(state, query([[MINE]]))).toBe('CLUSTERDOWN Hash slot not served');
    const down = threeMasters();
    down.health = 'fail';
    expect(wording(down, query([[MINE]]))).toBe('CLUSTERDOWN The cluster is down');
    // No keys: served even when down.
    expect(routeQuery(down, query([[]])).kind).toBe('here');
    // cluster-allow-reads-when-down: reads pass (and are still redirected), writes are refused.
    expect(wording(down, query([[MINE]], { allowReadsWhenDown: true }))).toBe('here');
    expect(wording(down, query([['foo']], { allowReadsWhenDown: true }))).toBe('MOVED 12182 127.0.0.3:7002');
    expect(wording(down, query([[MINE]], { allowReadsWhenDown: true, write: true }))).toBe(
      'CLUSTERDOWN The cluster is down and only accepts read commands',
    );
    // EXEC: only EXEC's own flags are looked at there, as in Redis.
    expect(wording(down, query([[MINE]], { allowReadsWhenDown: true, writeWithQueue: true }))).toBe('here');
    // Shard channels follow cluster-allow-pubsubshard-when-down instead.
    expect(wording(down, query([[MINE]], { pubsubShard: true }))).toBe('here');
    expect(wording(down, query([[MINE]], { pubsubShard: true, allowPubsubShardWhenDown: false }))).toBe('CLUSTERDOWN The cluster is down');
  });

  it('while migrating a slot: served when every key is here, ASK when none is, TRYAGAIN when some are', () => {
    const state = threeMasters();
    state.slots.setMigrating(3443, B);
    const [k1, k2] = [`${MINE}1`, `${MINE}2`];
    expect(wording(state, query([[k1, k2]], {}, [k1, k2]))).toBe('here');
    expect(wording(state, query([[k1]]))).toBe('ASK 3443 127.0.0.2:7001');
    expect(wording(state, query([[k1, k2]]))).toBe('ASK 3443 127.0.0.2:7001');
    expect(wording(state, query([[k1, k2]], {}, [k1]))).toBe('TRYAGAIN Multiple keys request during rehashing of slot');
    // MIGRATE itself always runs where the slot is open.
    expect(wording(state, query([[k1]], { migrate: true }))).toBe('here');
    // Shard channels are not looked up: served by the source until the slot moves.
    expect(wording(state, query([[k1]], { pubsubShard: true }))).toBe('here');
  });

  it('while importing a slot: MOVED without ASKING; with ASKING served unless a multi-key request misses keys', () => {
    const state = threeMasters();
    const slot = keySlot(OTHER);
    state.slots.setImporting(slot, C);
    const [k1, k2] = [`${OTHER}1`, `${OTHER}2`];
    expect(wording(state, query([[k1]]))).toBe(`MOVED ${slot} 127.0.0.3:7002`);
    expect(wording(state, query([[k1]], { asking: true }))).toBe('here');
    expect(wording(state, query([[k1]], { askingCommand: true }))).toBe('here');
    expect(wording(state, query([[k1, k2]], { asking: true }, [k1, k2]))).toBe('here');
    // Even when every key is missing, a multi-key request waits (Redis counts missing keys only).
    expect(wording(state, query([[k1, k2]], { asking: true }))).toBe('TRYAGAIN Multiple keys request during rehashing of slot');
    expect(wording(state, query([[k1, k2]], { asking: true }, [k1]))).toBe('TRYAGAIN Multiple keys request during rehashing of slot');
    expect(wording(state, query([[k1, k1]], { asking: true }))).toBe('here');
    expect(wording(state, query([[k1]], { migrate: true }))).toBe('here');
  });

  it('a READONLY client reads its master\'s slots on a replica; writes and other slots are MOVED', () => {
    const state = threeMasters();
    // Turn myself into a replica of B (slots 5461-10922 move to B's care).
    state.slots.unassignNode(ME);
    state.slots.assignRange(0, 10922, B);
    state.myself.flags = NodeFlag.Myself | NodeFlag.Slave;
    state.myself.masterId = B;
    expect(wording(state, query([[MINE]]))).toBe('MOVED 3443 127.0.0.2:7001');
    expect(wording(state, query([[MINE]], { readonly: true }))).toBe('here');
    expect(wording(state, query([[MINE]], { readonly: true, writeWithQueue: true }))).toBe('MOVED 3443 127.0.0.2:7001');
    expect(wording(state, query([['foo']], { readonly: true }))).toBe('MOVED 12182 127.0.0.3:7002');
    // Shard channels are read on replicas without READONLY.
    expect(wording(state, query([[MINE]], { pubsubShard: true }))).toBe('here');
  });
});

describe('routingKeys (getKeysFromCommand)', () => {
  const table = buildCommandTable();
  const keys = (...args: string[]) => routingKeys(table.get(args[0]!)!, args[0]!, args);
  it('uses the key functions and the legacy triple as Redis does', () => {
    expect(keys('get', 'k')).toEqual(['k']);
    expect(keys('mset', 'a', '1', 'b', '2')).toEqual(['a', 'b']);
    expect(keys('eval', 'return 1', '2', 'x', 'y', 'arg')).toEqual(['x', 'y']);
    expect(keys('eval', 'return 1', '0')).toEqual([]);
    expect(keys('migrate', 'h', '1', '', '0', '10', 'KEYS', 'a', 'b')).toEqual(['a', 'b']);
    expect(keys('zunionstore', 'd', '2', 'a', 'b')).toEqual(['a', 'b', 'd']);
    expect(keys('spublish', 'ch', 'msg')).toEqual(['ch']);
    expect(keys('ping')).toEqual([]);
  });
});

/** A unit server in cluster mode with the check registered and `state` as its view. */
function clusterServer(state = threeMasters()) {
  const server = makeServer({ 'cluster-enabled': 'yes' });
  registerClusterState(server, state);
  server.requestPath.check('cluster-redirect', clusterSlotCheck(server));
  return { server, state };
}

const err = (reply: unknown) => (reply instanceof ErrorReply ? reply.message : reply);

describe('the cluster-redirect check', () => {
  it('passes everything when cluster mode is off', () => {
    const server = makeServer();
    server.requestPath.check('cluster-redirect', clusterSlotCheck(server));
    const c = connect(server);
    expect(c.run('SET', 'foo', '1')).toEqual(expect.objectContaining({}));
    expect(err(c.run('MSET', 'a', '1', 'b', '2'))).not.toBeInstanceOf(ErrorReply);
  });

  it('redirects keyed commands and serves its own', () => {
    const { server } = clusterServer();
    const c = connect(server);
    expect(err(c.run('GET', 'foo'))).toBe('MOVED 12182 127.0.0.3:7002');
    expect(c.run('SET', `${MINE}a`, 'v')).toEqual(expect.anything());
    expect(c.run('GET', `${MINE}a`)).toBe('v');
    expect(err(c.run('MGET', 'a', 'b'))).toBe("CROSSSLOT Keys in request don't hash to the same slot");
    expect(c.run('PING')).toEqual(expect.anything());
    // Counted as a rejected call (INFO commandstats).
    expect(server.stats.commandCalls.get('get')?.rejected).toBe(1);
  });

  it('routes scripts by their declared keys', () => {
    const { server } = clusterServer();
    const c = connect(server);
    expect(err(c.run('EVAL', 'return 1', '1', 'foo'))).toBe('MOVED 12182 127.0.0.3:7002');
    expect(err(c.run('EVAL', 'return 1', '2', `${MINE}1`, 'foo'))).toBe("CROSSSLOT Keys in request don't hash to the same slot");
    expect(c.run('EVAL', 'return 1', '1', `${MINE}1`)).toBe(1);
    expect(c.run('EVAL', 'return 1', '0')).toBe(1);
  });

  it('keys a script touches must be local, and of one slot unless the script allows more', () => {
    const { server } = clusterServer();
    const c = connect(server);
    const message = (reply: unknown) => String(err(reply));
    expect(message(c.run('EVAL', "return redis.call('GET', 'foo')", '0'))).toMatch(/^ERR Script attempted to access a non local key in a cluster node/);
    // Without shebang (compat) cross-slot access is allowed; with one it is not.
    expect(c.run('EVAL', `redis.call('GET', 'b'); return redis.call('GET', '${MINE}x')`, '0')).toBeNull();
    expect(message(c.run('EVAL', `#!lua\nredis.call('GET', 'b'); return redis.call('GET', '${MINE}x')`, '0'))).toMatch(
      /^ERR Script attempted to access keys that do not hash to the same slot/,
    );
    expect(message(c.run('EVAL', "#!lua\nreturn redis.call('GET', 'b')", '1', `${MINE}x`))).toMatch(/do not hash to the same slot/);
    expect(c.run('EVAL', "#!lua flags=allow-cross-slot-keys\nreturn redis.call('GET', 'b')", '1', `${MINE}x`)).toBeNull();
    const down = clusterServer();
    down.state.health = 'fail';
    down.server.config.set('cluster-allow-reads-when-down', ['yes'], 'file');
    const d = connect(down.server);
    expect(message(d.run('EVAL', `return redis.call('SET', '${MINE}x', '1')`, '0'))).toMatch(
      /^ERR Script attempted to execute a write command while the cluster is down and readonly/,
    );
  });

  it('MULTI: a refused queued command flags the transaction; EXEC checks the whole queue and answers the redirection itself', () => {
    const { server } = clusterServer();
    const c = connect(server);
    c.run('MULTI');
    expect(err(c.run('GET', 'foo'))).toBe('MOVED 12182 127.0.0.3:7002');
    expect(err(c.run('EXEC'))).toBe('EXECABORT Transaction discarded because of previous errors.');
    c.run('MULTI');
    expect(c.run('SET', `${MINE}1`, '1')).toEqual(expect.anything());
    // 'b' is slot 3300, also ours: each queued command passes on its own.
    expect(c.run('SET', 'b', '2')).toEqual(expect.anything());
    // Cross-slot queue: CROSSSLOT (not EXECABORT), and the transaction is gone.
    expect(err(c.run('EXEC'))).toBe("CROSSSLOT Keys in request don't hash to the same slot");
    expect(c.client.multi).toBeNull();
    expect(err(c.run('EXEC'))).toBe('ERR EXEC without MULTI');
  });

  it('EXEC of a queue whose slot moved away meanwhile is MOVED', () => {
    const { server, state } = clusterServer();
    const c = connect(server);
    c.run('MULTI');
    c.run('SET', `${MINE}1`, '1');
    state.slots.assign(3443, B);
    expect(err(c.run('EXEC'))).toBe('MOVED 3443 127.0.0.2:7001');
    expect(c.client.multi).toBeNull();
  });

  it('ASKING, READONLY, READWRITE set the flags routing reads; RESTORE-ASKING needs no ASKING', () => {
    const { server, state } = clusterServer();
    state.slots.setImporting(12182, C);
    const c = connect(server);
    expect(err(c.run('GET', 'foo'))).toBe('MOVED 12182 127.0.0.3:7002');
    expect(c.run('ASKING')).toEqual(expect.anything());
    expect(c.client.asking).toBe(true);
    expect(c.run('GET', 'foo')).toBeNull();
    const payload = (() => {
      const plain = connect(makeServer());
      plain.run('SET', 'k', 'v');
      return plain.run('DUMP', 'k') as string;
    })();
    c.client.asking = false;
    expect(err(c.run('RESTORE', 'foo', '0', payload))).toBe('MOVED 12182 127.0.0.3:7002');
    expect(c.run('RESTORE-ASKING', 'foo', '0', payload)).toEqual(expect.anything());
    c.client.asking = true;
    expect(c.run('GET', 'foo')).toBe('v');
    expect(c.run('READONLY')).toEqual(expect.anything());
    expect(c.client.readonlyCluster).toBe(true);
    expect(c.client.flags).toContain('r');
    c.run('READWRITE');
    expect(c.client.readonlyCluster).toBe(false);
    c.run('READONLY');
    c.run('RESET');
    expect(c.client.readonlyCluster).toBe(false);
  });

  it('ASKING, READONLY, READWRITE outside cluster mode', () => {
    const c = connect(makeServer());
    for (const name of ['ASKING', 'READONLY', 'READWRITE']) {
      expect(err(c.run(name))).toBe('ERR This instance has cluster support disabled');
    }
  });

  it('commands from our master are obeyed whatever the slot table says', () => {
    const { server } = clusterServer();
    const c = connect(server);
    c.client.isMaster = true;
    expect(err(c.run('SET', 'foo', '1'))).not.toBeInstanceOf(ErrorReply);
  });
});

describe('blocked clients whose slot moved (clusterRedirectBlockedClientIfNeeded)', () => {
  it('are answered MOVED, or CLUSTERDOWN, by the sweep', () => {
    const { server, state } = clusterServer();
    const c = connect(server);
    c.run('BLPOP', `${MINE}list`, '0');
    expect(c.client.blocked).not.toBeNull();
    redirectBlockedClients(server);
    expect(c.client.blocked).not.toBeNull();
    // Importing: still waits.
    state.slots.assign(3443, B);
    state.slots.setImporting(3443, B);
    redirectBlockedClients(server);
    expect(c.client.blocked).not.toBeNull();
    state.slots.setStable(3443);
    redirectBlockedClients(server);
    expect(c.client.blocked).toBeNull();
    expect(err(c.pushed[0])).toBe('MOVED 3443 127.0.0.2:7001');
  });

  it('a READONLY client blocked by a read on a replica of the owner keeps waiting', () => {
    const { server, state } = clusterServer();
    const c = connect(server);
    c.run('READONLY');
    c.run('XREAD', 'BLOCK', '0', 'STREAMS', `${MINE}s`, '$');
    const w = connect(server);
    w.run('READONLY');
    w.run('BLPOP', `${MINE}list`, '0');
    state.slots.assign(3443, B);
    state.myself.flags = NodeFlag.Myself | NodeFlag.Slave;
    state.myself.masterId = B;
    redirectBlockedClients(server);
    expect(c.client.blocked).not.toBeNull();
    // BLPOP is a write: redirected even for a READONLY client.
    expect(err(w.pushed[0])).toBe('MOVED 3443 127.0.0.2:7001');
  });

  it('CLUSTERDOWN when the cluster fails, Hash slot not served when the slot lost its owner', () => {
    const { server, state } = clusterServer();
    const c = connect(server);
    c.run('BLPOP', `${MINE}list`, '0');
    const d = connect(server);
    d.run('BLPOP', `${MINE}other`, '0');
    state.slots.unassign(3443);
    state.health = 'fail';
    redirectBlockedClients(server);
    expect(err(c.pushed[0])).toBe('CLUSTERDOWN The cluster is down');
    expect(err(d.pushed[0])).toBe('CLUSTERDOWN The cluster is down');
    const e = connect(server);
    state.health = 'ok';
    state.slots.assign(3443, ME);
    e.run('BLPOP', `${MINE}list`, '0');
    state.slots.unassign(3443);
    redirectBlockedClients(server);
    expect(err(e.pushed[0])).toBe('CLUSTERDOWN Hash slot not served');
  });
});
