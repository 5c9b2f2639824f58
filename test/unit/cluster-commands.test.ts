// CLUSTER subcommands on a socket-less node whose cluster state is a known three-shard cluster
// (test/helpers/cluster-world.ts), for the paths a fresh single node cannot reach in the
// differential test: SETSLOT NODE closing an import (new configEpoch without consensus), a master
// left without slots turning into a replica of the new owner, REPLICATE, REPLICAS, NODES' open-slot
// marks, RESET SOFT / HARD, and the todo each change leaves for the before-sleep work.

import { describe, expect, it } from 'vitest';
import { NodeFlag } from '../../src/server/cluster/bus/node-flags.js';
import { registerClusterState } from '../../src/server/cluster/cluster-registry.js';
import type { ClusterState } from '../../src/server/cluster/state/cluster-state.js';
import { ErrorReply, SimpleString, VerbatimReply } from '../../src/shared/resp/reply.js';
import { nid, THREE_SHARDS, viewOf } from '../helpers/cluster-world.js';
import { connect, makeServer } from '../helpers/unit-server.js';

function rig(me: string): { state: ClusterState; run: (...args: (string | number)[]) => unknown } {
  const server = makeServer({ 'cluster-enabled': 'yes' });
  const state = viewOf(me, THREE_SHARDS);
  registerClusterState(server, state);
  const client = connect(server);
  return { state, run: (...args) => client.run(...args) };
}

const text = (reply: unknown): string =>
  reply instanceof VerbatimReply ? reply.text : reply instanceof SimpleString ? reply.value : String(reply);
const error = (reply: unknown): string => (reply instanceof ErrorReply ? reply.message : `not an error: ${String(reply)}`);

describe('CLUSTER SETSLOT on a known cluster', () => {
  it('MIGRATING / IMPORTING show as marks on our NODES line; NODE on the importer bumps its epoch', () => {
    const { state, run } = rig('m1');
    state.drainTodo();
    expect(text(run('CLUSTER', 'SETSLOT', 0, 'MIGRATING', nid('m2')))).toBe('OK');
    expect(text(run('CLUSTER', 'SETSLOT', 6000, 'IMPORTING', nid('m2')))).toBe('OK');
    const mine = text(run('CLUSTER', 'NODES')).split('\n').find((line) => line.includes('myself'))!;
    expect(mine.endsWith(`0-5460 [0->-${nid('m2')}] [6000-<-${nid('m2')}]`)).toBe(true);
    expect(state.drainTodo()).toMatchObject({ saveConfig: true, updateState: true });
    // Not the owner / a replica as target.
    expect(error(run('CLUSTER', 'SETSLOT', 6000, 'MIGRATING', nid('m2')))).toBe("ERR I'm not the owner of hash slot 6000");
    expect(error(run('CLUSTER', 'SETSLOT', 6000, 'NODE', nid('r2')))).toBe('ERR Target node is not a master');
    const before = state.maxEpoch();
    run('CLUSTER', 'SETSLOT', 6000, 'NODE', nid('m1'));
    expect(state.slots.owner(6000)).toBe(nid('m1'));
    expect(state.slots.importingFrom(6000)).toBeUndefined();
    expect(state.myself.configEpoch).toBe(before + 1);
    expect(state.currentEpoch).toBe(before + 1);
    expect(state.drainTodo()).toMatchObject({ saveConfig: true, fsyncConfig: true });
    // A second close needs no new epoch: ours is already the largest.
    run('CLUSTER', 'SETSLOT', 6001, 'IMPORTING', nid('m2'));
    run('CLUSTER', 'SETSLOT', 6001, 'NODE', nid('m1'));
    expect(state.myself.configEpoch).toBe(before + 1);
  });

  it('a master that gives away its last slot becomes a replica of the new owner', () => {
    const { state, run } = rig('m1');
    for (let slot = 1; slot <= 5460; slot++) state.slots.assign(slot, nid('m2'));
    expect(text(run('CLUSTER', 'SETSLOT', 0, 'NODE', nid('m2')))).toBe('OK');
    expect(state.myself.flags & NodeFlag.Slave).toBe(NodeFlag.Slave);
    expect(state.myself.masterId).toBe(nid('m2'));
    expect(error(run('CLUSTER', 'SETSLOT', 1, 'STABLE'))).toBe('ERR Please use SETSLOT only with masters.');
  });
});

describe('CLUSTER REPLICATE / REPLICAS / RESET on a known cluster', () => {
  it('REPLICAS lists a master replicas as NODES lines; a replica switches master with REPLICATE', () => {
    const { state, run } = rig('r1');
    const lines = run('CLUSTER', 'REPLICAS', nid('m2')) as string[];
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith(`${nid('r2')} `)).toBe(true);
    expect(error(run('CLUSTER', 'REPLICAS', nid('r2')))).toBe('ERR The specified node is not a master');
    expect(error(run('CLUSTER', 'REPLICATE', nid('r2')))).toBe('ERR I can only replicate a master, not a replica.');
    expect(text(run('CLUSTER', 'REPLICATE', nid('m3')))).toBe('OK');
    expect(state.myself.masterId).toBe(nid('m3'));
    expect(run('CLUSTER', 'REPLICAS', nid('m3')) as string[]).toHaveLength(2);
    // CLUSTER INFO shows a replica's master's epoch as its own.
    expect(text(run('CLUSTER', 'INFO'))).toContain('cluster_my_epoch:3\r\n');
  });

  it('a master with slots cannot REPLICATE; RESET SOFT forgets everyone and frees the slots; HARD takes a new id', () => {
    const { state, run } = rig('m1');
    expect(error(run('CLUSTER', 'REPLICATE', nid('m2')))).toBe('ERR To set a master the node must be empty and without assigned slots.');
    expect(text(run('CLUSTER', 'RESET', 'SOFT'))).toBe('OK');
    expect(state.nodes.size).toBe(1);
    expect(state.slots.assignedCount()).toBe(0);
    expect(state.myself.id).toBe(nid('m1'));
    expect(state.myself.configEpoch).toBe(1);
    expect(text(run('CLUSTER', 'RESET', 'HARD'))).toBe('OK');
    expect(state.myself.id).not.toBe(nid('m1'));
    expect(state.node(state.myself.id)).toBe(state.myself);
    expect([state.myself.configEpoch, state.currentEpoch, state.lastVoteEpoch]).toEqual([0, 0, 0]);
    expect(text(run('CLUSTER', 'MYID'))).toBe(state.myself.id);
  });

  it('RESET of a replica makes it an empty master', () => {
    const { state, run } = rig('r1');
    expect(text(run('CLUSTER', 'RESET'))).toBe('OK');
    expect(state.myself.flags & (NodeFlag.Master | NodeFlag.Slave)).toBe(NodeFlag.Master);
    expect(state.myself.masterId).toBeNull();
    expect(text(run('CLUSTER', 'NODES'))).toBe(`${nid('r1')} :0@0 myself,master - 0 0 0 connected\n`);
  });

  it('COUNT-FAILURE-REPORTS counts only reports younger than 2 x node-timeout', () => {
    const { state, run } = rig('m1');
    state.node(nid('m3'))!.failReports.set(nid('m2'), Date.now());
    state.node(nid('m3'))!.failReports.set(nid('r1'), Date.now() - 31_000);
    expect(run('CLUSTER', 'COUNT-FAILURE-REPORTS', nid('m3'))).toBe(1);
  });
});
