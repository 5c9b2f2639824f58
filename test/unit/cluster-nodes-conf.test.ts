// nodes.conf (cluster/nodes-conf): a file written by redis-server 7.0.15 parses (hostnames, open
// slots, a replica's epoch taken from its master), our serialization reads back to the same text,
// Redis's format errors are refused, the write leaves no temporary file behind, and the lock file
// keeps a second live holder out but takes over from a dead one.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeFlag } from '../../src/server/cluster/bus/node-flags.js';
import { describeNodes, serializeNodesConf } from '../../src/server/cluster/nodes-conf/describe.js';
import { readNodesConf, writeNodesConf } from '../../src/server/cluster/nodes-conf/file.js';
import { lockNodesConf, NodesConfLockError } from '../../src/server/cluster/nodes-conf/lock.js';
import { NodesConfError, parseNodesConf } from '../../src/server/cluster/nodes-conf/parse.js';

// Written by redis-server 7.0.15 (CLUSTER SAVECONFIG on the first of six nodes made by
// `redis-cli --cluster create --cluster-replicas 1`, each with cluster-announce-hostname, after
// SETSLOT 100 MIGRATING and SETSLOT 6000 IMPORTING).
const REDIS_WRITTEN = `9457e7766f74fe22e23cff9642135842851c9c6b 127.0.0.1:23602@33602,host-2 master - 0 1796457566714 3 connected 10923-16383
abc10e06a749ff43c7639f366ddcdc62f13c6db9 127.0.0.1:23600@33600,host-0 myself,master - 0 1796457566000 1 connected 0-5460 [100->-91ee2ef945f7fe095f3a03f3ffb26336d226467e] [6000-<-91ee2ef945f7fe095f3a03f3ffb26336d226467e]
6b59ff3cc5bcebd1731e7f56ce9d64e47f69cd82 127.0.0.1:23603@33603,host-3 slave 9457e7766f74fe22e23cff9642135842851c9c6b 0 1796457566714 3 connected
a697580077e0873fafa4641afde54ba110b468d5 127.0.0.1:23604@33604,host-4 slave abc10e06a749ff43c7639f366ddcdc62f13c6db9 0 1796457567019 1 connected
91ee2ef945f7fe095f3a03f3ffb26336d226467e 127.0.0.1:23601@33601,host-1 master - 0 1796457566512 2 connected 5461-10922
3109d7ba4402c50ed1965887d3991ab055dbd133 127.0.0.1:23605@33605,host-5 slave 91ee2ef945f7fe095f3a03f3ffb26336d226467e 0 1796457566000 2 connected
vars currentEpoch 6 lastVoteEpoch 0
`;

const NOW = 1_800_000_000_000;
const A = 'abc10e06a749ff43c7639f366ddcdc62f13c6db9';
const B = '91ee2ef945f7fe095f3a03f3ffb26336d226467e';

/** The file as a loader would see it after a restart: ping/pong "pending" times become NOW. */
function asLoaded(text: string): string[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      if (line.startsWith('vars')) return line;
      const f = line.split(' ');
      f[4] = f[4] === '0' ? '0' : String(NOW);
      f[5] = f[5] === '0' ? '0' : String(NOW);
      // A loaded node has no link yet: only myself is `connected`.
      f[7] = f[2]!.includes('myself') ? 'connected' : 'disconnected';
      return f.join(' ');
    })
    .sort();
}

describe('nodes.conf parsing', () => {
  it('reads a redis-server written file: ids, addresses, hostnames, roles, slots, open slots, epochs', () => {
    const { state, warnings } = parseNodesConf(REDIS_WRITTEN, NOW);
    expect(warnings).toEqual([]);
    expect(state.myself.id).toBe(A);
    expect(state.nodes.size).toBe(6);
    expect(state.currentEpoch).toBe(6);
    expect(state.lastVoteEpoch).toBe(0);
    expect(state.myself).toMatchObject({ ip: '127.0.0.1', port: 23600, cport: 33600, hostname: 'host-0', configEpoch: 1 });
    expect(state.myself.flags).toBe(NodeFlag.Myself | NodeFlag.Master);
    expect(state.slots.rangesOf(A)).toEqual([{ start: 0, end: 5460 }]);
    expect(state.slots.rangesOf(B)).toEqual([{ start: 5461, end: 10922 }]);
    expect(state.slots.fullyCovered()).toBe(true);
    expect(state.slots.migratingTo(100)).toBe(B);
    expect(state.slots.importingFrom(6000)).toBe(B);
    const replica = state.node('a697580077e0873fafa4641afde54ba110b468d5')!;
    expect(replica.masterId).toBe(A);
    expect(replica.flags).toBe(NodeFlag.Slave);
    // A replica's own configEpoch is not kept: it shows its master's.
    expect(replica.configEpoch).toBe(0);
    expect(replica.pongReceived).toBe(NOW);
    expect(replica.pingSent).toBe(0);
  });

  it('serializes back to the same file (as a restarted node sees it), and round-trips exactly', () => {
    const { state } = parseNodesConf(REDIS_WRITTEN, NOW);
    const written = serializeNodesConf(state);
    expect(asLoaded(written)).toEqual(asLoaded(REDIS_WRITTEN));
    expect(written.endsWith('vars currentEpoch 6 lastVoteEpoch 0\n')).toBe(true);
    const again = serializeNodesConf(parseNodesConf(written, NOW).state);
    expect(again).toBe(written);
  });

  it('leaves nodes in handshake out of nodes.conf but not out of CLUSTER NODES', () => {
    const { state } = parseNodesConf(REDIS_WRITTEN, NOW);
    state.node(B)!.flags |= NodeFlag.Handshake;
    expect(serializeNodesConf(state).split('\n').some((line) => line.startsWith(B))).toBe(false);
    expect(describeNodes(state)).toContain(`${B} 127.0.0.1:23601@33601,host-1 master,handshake`);
  });

  it('accepts an old line without @cport (port + 10000), noflags, and a fail node', () => {
    const text = `${A} 10.0.0.1:7000 myself,master - 0 0 5 connected 0-1 3\n${B} 10.0.0.2:7001 noflags - 0 0 0 disconnected\nvars currentEpoch 2 lastVoteEpoch 1\n`;
    const { state } = parseNodesConf(text, NOW);
    expect(state.myself.cport).toBe(17000);
    expect(state.slots.slotsOf(A)).toEqual([0, 1, 3]);
    expect(state.node(B)!.flags).toBe(0);
    // currentEpoch is raised to the largest configEpoch (protection against hand edits).
    expect(state.currentEpoch).toBe(5);
    expect(state.lastVoteEpoch).toBe(1);
    const failing = parseNodesConf(`${A} 10.0.0.1:7000@17000 myself,master - 0 0 1 connected\n${B} 10.0.0.2:7001@17001 master,fail - 0 0 0 disconnected\n`, NOW);
    expect(failing.state.node(B)!.failTime).toBe(NOW);
  });

  it('keeps the first claim of a slot two lines both claim (clusterAddSlot refuses a bound slot)', () => {
    const text = `${A} 10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-10\n${B} 10.0.0.2:7001@17001 master - 0 0 2 connected 5-20\n`;
    const { state } = parseNodesConf(text, NOW);
    expect(state.slots.countOf(A)).toBe(11);
    expect(state.slots.rangesOf(B)).toEqual([{ start: 11, end: 20 }]);
  });

  it('warns about unknown vars and refuses what Redis calls corrupted', () => {
    const ok = parseNodesConf(`${A} :0@0 myself,master - 0 0 0 connected\nvars currentEpoch 1 lastVoteEpoch 0 futureVar 3\n`, NOW);
    expect(ok.warnings).toEqual(["Skipping unknown cluster config variable 'futureVar'"]);
    const bad = [
      `${B} 10.0.0.2:7001@17001 master - 0 0 2 connected\n`, // no myself
      `${A} :0@0 myself,master - 0 0 0\n`, // fewer than 8 fields
      `XYZ :0@0 myself,master - 0 0 0 connected\n`, // bad id
      `${A} nocolon myself,master - 0 0 0 connected\n`,
      `${A} :0@0 myself,master - 0 0 0 connected 16384\n`,
      `${A} :0@0 myself,master - 0 0 0 connected [20000->-${B}]\n`,
      `${A} :0@0 myself,master - 0 0 0 connected\nvars currentEpoch\n`,
      `${A} :0@0 myself,master - 0 0 0 connected\n${B} :0@0 myself,master - 0 0 0 connected\n`,
    ];
    for (const text of bad) expect(() => parseNodesConf(text, NOW), text).toThrow(NodesConfError);
    expect(() => parseNodesConf(`${A} :0@0 myself,master,bogus - 0 0 0 connected\n`, NOW)).toThrow('Unknown flag in redis cluster config file');
  });
});

describe('nodes.conf on disk', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('is absent or empty for a fresh node, written whole through a temporary file, then replaced', () => {
    dir = mkdtempSync(join(tmpdir(), 'nodes-conf-'));
    const path = join(dir, 'nodes.conf');
    expect(readNodesConf(path)).toBeUndefined();
    writeFileSync(path, '');
    expect(readNodesConf(path)).toBeUndefined();
    writeNodesConf(path, REDIS_WRITTEN);
    expect(readNodesConf(path)).toBe(REDIS_WRITTEN);
    writeNodesConf(path, 'short\n');
    expect(readFileSync(path, 'utf8')).toBe('short\n');
    expect(readdirSync(dir)).toEqual(['nodes.conf']);
  });

  it('the lock refuses a live holder with Redis words and takes over from a dead one', () => {
    dir = mkdtempSync(join(tmpdir(), 'nodes-lock-'));
    const path = join(dir, 'nodes.conf');
    // A live holder: our parent process (its start time as /proc shows it, when there is a /proc).
    const stat = (() => {
      try {
        const text = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
        return text.slice(text.lastIndexOf(')') + 2).split(' ')[19] ?? '';
      } catch {
        return '';
      }
    })();
    writeFileSync(`${path}.lock`, `${process.ppid} ${stat}\n`);
    expect(() => lockNodesConf(path)).toThrow(NodesConfLockError);
    expect(() => lockNodesConf(path)).toThrow(
      `Sorry, the cluster configuration file ${path} is already used by a different Redis Cluster node. Please make sure that different nodes use different cluster configuration files.`,
    );
    // The same pid with another start time is a reused pid: the lock is stale.
    if (stat !== '') {
      writeFileSync(`${path}.lock`, `${process.ppid} 1\n`);
      expect(() => lockNodesConf(path)).not.toThrow();
      expect(readFileSync(`${path}.lock`, 'utf8').startsWith(`${process.pid} `)).toBe(true);
    }
    // A holder that is gone (no such pid): taken over.
    writeFileSync(`${path}.lock`, '2147483646 0\n');
    expect(() => lockNodesConf(path)).not.toThrow();
    expect(readFileSync(`${path}.lock`, 'utf8').startsWith(`${process.pid} `)).toBe(true);
  });
});
