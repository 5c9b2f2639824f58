// The keys-by-slot index behind CLUSTER COUNTKEYSINSLOT / GETKEYSINSLOT (cluster/slot-index.ts):
// after inserts, overwrites, deletes, renames, expiry and FLUSHALL it always agrees with a scan of
// db 0, and GETKEYSINSLOT lists the newest key first, as Redis does.

import { describe, expect, it } from 'vitest';
import { registerClusterState } from '../../src/server/cluster/cluster-registry.js';
import { keySlot } from '../../src/shared/key-slot.js';
import { ClusterState } from '../../src/server/cluster/state/cluster-state.js';
import type { Server } from '../../src/server/server.js';
import { connect, makeServer } from '../helpers/unit-server.js';

function scan(server: Server, slot: number): string[] {
  return [...server.dbs[0]!.data.keys()].filter((key) => keySlot(key) === slot).sort();
}

describe('the slot index', () => {
  it('agrees with a scan of db 0 through every kind of change', () => {
    const server = makeServer({ 'cluster-enabled': 'yes' });
    registerClusterState(server, new ClusterState());
    const c = connect(server);
    const slot = keySlot('{t}');
    const check = () => {
      expect(c.run('CLUSTER', 'COUNTKEYSINSLOT', slot)).toBe(scan(server, slot).length);
      expect((c.run('CLUSTER', 'GETKEYSINSLOT', slot, 1000) as string[]).slice().sort()).toEqual(scan(server, slot));
    };
    check();
    for (let i = 0; i < 20; i++) c.run('SET', `{t}k${i}`, 'v');
    c.run('SET', 'other', 'v');
    check();
    // Newest first, and a count limit.
    expect(c.run('CLUSTER', 'GETKEYSINSLOT', slot, 3)).toEqual(['{t}k19', '{t}k18', '{t}k17']);
    c.run('SET', '{t}k0', 'overwritten');
    c.run('DEL', '{t}k1', '{t}k2');
    c.run('RENAME', '{t}k3', '{t}renamed');
    c.run('RPUSH', '{t}list', 'a');
    c.run('LPOP', '{t}list');
    check();
    c.run('PEXPIRE', '{t}k4', 1);
    c.run('FLUSHALL');
    check();
    c.run('SET', '{t}again', 'v');
    check();
    expect(c.run('CLUSTER', 'GETKEYSINSLOT', slot, 10)).toEqual(['{t}again']);
  });
});
