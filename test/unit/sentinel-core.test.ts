// Unit tests of the sentinel core's rules taken one at a time: votes, TILT, INFO parsing, hello
// handling, replica ordering, forced failover, and the persisted state surviving a restart.

import { describe, expect, it } from 'vitest';
import { forceFailover, isMasterDownByAddr, monitor } from '../../src/sentinel/core/admin.js';
import { parseInfo } from '../../src/sentinel/core/info.js';
import { addReplica, masterSettings } from '../../src/sentinel/core/instances.js';
import { compareForPromotion } from '../../src/sentinel/core/select-replica.js';
import { SentinelCore } from '../../src/sentinel/core/sentinel-core.js';
import { Sim } from '../helpers/sentinel-sim.js';

const MYID = 'a'.repeat(40);
function lonelyCore(now = 1_000_000): SentinelCore {
  const core = new SentinelCore({ myid: MYID, now, settings: { port: 26000 }, random: () => 0 });
  monitor(core, 'mymaster', '127.0.0.1', 7000, { ...masterSettings(core, 2), downAfterMs: 1000, failoverTimeoutMs: 5000 });
  core.drain();
  return core;
}

describe('votes', () => {
  it('votes once per epoch, persists before answering, and adopts higher epochs', () => {
    const core = lonelyCore();
    const b = 'b'.repeat(40);
    const c = 'c'.repeat(40);
    expect(isMasterDownByAddr(core, '127.0.0.1', 7000, 5, b)).toEqual([0, b, 5]);
    const actions = core.drain();
    expect(actions[0]).toEqual({ type: 'save' });
    expect(actions.filter((a) => a.type === 'event').map((a) => a.type === 'event' && `${a.channel} ${a.message}`)).toEqual([
      '+new-epoch 5',
      `+vote-for-leader ${b} 5`,
    ]);
    expect(core.currentEpoch).toBe(5);
    // Same epoch, another candidate: the earlier vote stands.
    expect(isMasterDownByAddr(core, '127.0.0.1', 7000, 5, c)).toEqual([0, b, 5]);
    // An older epoch cannot take the vote back either.
    expect(isMasterDownByAddr(core, '127.0.0.1', 7000, 4, c)).toEqual([0, b, 5]);
    // A new epoch gets a new vote.
    expect(isMasterDownByAddr(core, '127.0.0.1', 7000, 6, c)).toEqual([0, c, 6]);
  });

  it('answers * and epoch 0 when only asked about the down state, and 0 for an unknown address', () => {
    const core = lonelyCore();
    expect(isMasterDownByAddr(core, '127.0.0.1', 7000, 0, '*')).toEqual([0, '*', 0]);
    expect(isMasterDownByAddr(core, '127.0.0.1', 9999, 3, 'b'.repeat(40))).toEqual([0, '*', 0]);
    expect(core.currentEpoch).toBe(0);
  });
});

describe('TILT', () => {
  it('enters TILT on a clock jump, takes no action for 30 s, then resumes', () => {
    const core = lonelyCore();
    const master = core.masters.get('mymaster')!;
    core.linkChanged(master.id, 'cmd', true, 1_000_010);
    core.linkChanged(master.id, 'pubsub', true, 1_000_010);
    core.tick(1_000_020);
    core.drain();
    core.tick(1_004_000); // the process stalled for 4 s
    const events = core.drain().filter((a) => a.type === 'event');
    expect(events.map((a) => a.type === 'event' && a.channel)).toEqual(['+tilt']);
    // The master never answers: in TILT no SDOWN is declared, and is-master-down says 0.
    for (let t = 1_004_000; t < 1_033_000; t += 100) core.tick(t);
    expect(master.sdown).toBe(false);
    expect(isMasterDownByAddr(core, '127.0.0.1', 7000, 0, '*')[0]).toBe(0);
    for (let t = 1_033_000; t < 1_035_000; t += 100) core.tick(t);
    const channels = core.drain().flatMap((a) => (a.type === 'event' ? [a.channel] : []));
    expect(channels).toContain('-tilt');
    expect(channels).toContain('+sdown');
  });
});

describe('INFO parsing', () => {
  it('reads replicas from a master and link fields from a replica', () => {
    const master = parseInfo(
      '# Server\r\nrun_id:0123456789012345678901234567890123456789\r\n# Replication\r\nrole:master\r\nconnected_slaves:2\r\n' +
        'slave0:ip=127.0.0.1,port=17102,state=online,offset=0,lag=1\r\nslave1:10.0.0.2,6380,online\r\nmaster_repl_offset:0\r\n',
    );
    expect(master.runId).toBe('0123456789012345678901234567890123456789');
    expect(master.role).toBe('master');
    expect(master.replicas).toEqual([{ host: '127.0.0.1', port: 17102 }, { host: '10.0.0.2', port: 6380 }]);
    const replica = parseInfo(
      'role:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:17100\r\nmaster_link_status:down\r\nmaster_link_down_since_seconds:3\r\n' +
        'slave_repl_offset:2449\r\nslave_priority:50\r\nreplica_announced:0\r\n',
    );
    expect(replica).toMatchObject({
      role: 'slave', masterHost: '127.0.0.1', masterPort: 17100, masterLinkUp: false, masterLinkDownMs: 3000,
      slaveReplOffset: 2449, slavePriority: 50, replicaAnnounced: false,
    });
  });
});

describe('replica order', () => {
  it('prefers lower priority, then larger offset, then smaller run id, unknown run id last', () => {
    const core = lonelyCore();
    const master = core.masters.get('mymaster')!;
    const make = (port: number, priority: number, offset: number, runId: string | null) => {
      const r = addReplica(core, master, '127.0.0.1', port)!;
      Object.assign(r, { slavePriority: priority, slaveReplOffset: offset, runId });
      return r;
    };
    const list = [make(1, 100, 10, 'b'), make(2, 50, 1, 'z'), make(3, 100, 20, 'c'), make(4, 100, 10, null), make(5, 100, 10, 'A')];
    expect(list.sort(compareForPromotion).map((r) => r.port)).toEqual([2, 3, 5, 1, 4]);
  });
});

describe('hello messages', () => {
  it('ignores malformed hellos, its own, and unknown masters; adopts a higher epoch', () => {
    const core = lonelyCore();
    const master = core.masters.get('mymaster')!;
    core.onHello('127.0.0.1,26001,x,1,mymaster,127.0.0.1,7000', 1_000_100);
    core.onHello(`127.0.0.1,26001,${MYID},9,mymaster,127.0.0.1,7000,0`, 1_000_100);
    core.onHello(`127.0.0.1,26001,${'b'.repeat(40)},9,other,127.0.0.1,7000,0`, 1_000_100);
    expect(master.sentinels.size).toBe(0);
    expect(core.currentEpoch).toBe(0);
    core.onHello(`127.0.0.1,26001,${'b'.repeat(40)},3,mymaster,127.0.0.1,7000,0`, 1_000_100);
    expect(master.sentinels.size).toBe(1);
    expect(core.currentEpoch).toBe(3);
    // The same run id at a new address replaces the record (+sentinel-address-switch).
    core.drain();
    core.onHello(`127.0.0.1,26009,${'b'.repeat(40)},3,mymaster,127.0.0.1,7000,0`, 1_000_200);
    expect([...master.sentinels.values()].map((s) => s.port)).toEqual([26009]);
    expect(core.drain().some((a) => a.type === 'event' && a.channel === '+sentinel-address-switch')).toBe(true);
  });

  it('moves the master when a hello carries a newer config epoch with another address', () => {
    const core = lonelyCore();
    core.onHello(`127.0.0.1,26001,${'b'.repeat(40)},2,mymaster,127.0.0.1,7002,2`, 1_000_100);
    const master = core.masters.get('mymaster')!;
    expect(master.port).toBe(7002);
    expect(master.configEpoch).toBe(2);
    expect([...master.replicas.keys()]).toEqual(['127.0.0.1:7000']);
    const events = core.drain().flatMap((a) => (a.type === 'event' ? [`${a.channel} ${a.message}`] : []));
    expect(events).toContain('+switch-master mymaster 127.0.0.1 7000 127.0.0.1 7002');
    // An older config epoch does not move it back.
    core.onHello(`127.0.0.1,26001,${'b'.repeat(40)},2,mymaster,127.0.0.1,7000,1`, 1_000_200);
    expect(core.masters.get('mymaster')!.port).toBe(7002);
  });
});

describe('forced failover (SENTINEL FAILOVER)', () => {
  it('promotes a replica of a healthy master without ODOWN or votes', () => {
    const sim = new Sim();
    sim.addNode(7000, 'master', null, 10);
    sim.addNode(7001, 'slave', 7000, 10);
    const [s1] = [sim.addSentinel(26001, [{ name: 'mymaster', port: 7000, quorum: 2 }]), sim.addSentinel(26002, [{ name: 'mymaster', port: 7000, quorum: 2 }])];
    sim.runUntil(() => s1!.core.masters.get('mymaster')!.replicas.size === 1 && s1!.core.masters.get('mymaster')!.sentinels.size === 1, 5000);
    sim.run(100);
    expect(forceFailover(s1!.core, 'nosuch')).toBe('no-such-master');
    expect(forceFailover(s1!.core, 'mymaster')).toBe('ok');
    expect(forceFailover(s1!.core, 'mymaster')).toBe('in-progress');
    sim.flush(s1!);
    expect(sim.runUntil(() => sim.sentinels.every((s) => s.core.masters.get('mymaster')!.port === 7001), 5000)).toBe(true);
    expect(sim.events('+odown')).toEqual([]);
    expect(sim.nodes.get(7001)!.role).toBe('master');
  });

  it('refuses when no replica is usable', () => {
    const core = lonelyCore();
    expect(forceFailover(core, 'mymaster')).toBe('no-good-slave');
  });
});
