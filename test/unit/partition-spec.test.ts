// Partition rules: the FAULT PARTITION grammar, which links a rule names, and the socket black hole
// (held writes delivered in order on heal, held reads left in the kernel until then); the CLI's
// translation of names and its refusal on engine redis.

import { createServer, connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { holdsFor, nameMatches, parsePartition, parsePeer, sameHost, type Endpoint } from '../../src/shared/faults/spec.js';
import { SocketGate } from '../../src/shared/faults/socket-gate.js';
import { partitionNode, healNodes, translatePeers } from '../../src/cli/ops/node-control/partition.js';
import type { RunState } from '../../src/cli/state/run-state.js';
import { waitFor } from '../helpers/wait-for.js';

describe('FAULT PARTITION grammar', () => {
  it('parses peers, direction, FOR and EXCEPT in any order', () => {
    expect(parsePartition(['sentinels', 'REPLICAS', '127.0.0.1:7001', 'client:drill-*', 'in', 'FOR', '1500', 'EXCEPT', 'keep-*'])).toEqual({
      peers: [{ kind: 'sentinels' }, { kind: 'replicas' }, { kind: 'addr', host: '127.0.0.1', port: 7001 }, { kind: 'client', glob: 'drill-*' }],
      direction: 'in',
      forMs: 1500,
      except: ['keep-*'],
    });
    expect(parsePartition(['master'])).toMatchObject({ direction: 'both', forMs: 0, except: [] });
  });

  it('refuses what it cannot mean', () => {
    expect(parsePartition([])).toBe('ERR PARTITION needs at least one peer');
    expect(parsePartition(['both'])).toBe('ERR PARTITION needs at least one peer');
    expect(parsePartition(['master', 'FOR'])).toBe('ERR syntax error');
    expect(parsePartition(['master', 'FOR', '-5'])).toMatch(/positive number of milliseconds/);
    expect(parsePeer('nobody')).toMatch(/^ERR unknown peer 'nobody'/);
    expect(parsePeer('host:99999')).toMatch(/^ERR unknown peer/);
  });
});

describe('which links a rule holds', () => {
  const sentinel: Endpoint = { role: 'sentinel', name: 'sentinel-0123abcd-cmd', host: '127.0.0.1', port: 26001 };
  const replica: Endpoint = { role: 'replica', name: '', host: '::ffff:127.0.0.1', port: 7002 };
  const client = (name: string): Endpoint => ({ role: 'client', name });
  const rule = (words: string[]) => {
    const parsed = parsePartition(words);
    if (typeof parsed === 'string') throw new Error(parsed);
    return parsed;
  };

  it('matches groups, addresses (loopback spellings alike) and client name globs', () => {
    expect(holdsFor([rule(['sentinels'])], sentinel)).toEqual({ in: true, out: true });
    expect(holdsFor([rule(['sentinels'])], replica)).toEqual({ in: false, out: false });
    expect(holdsFor([rule(['localhost:7002'])], replica)).toEqual({ in: true, out: true });
    expect(holdsFor([rule(['127.0.0.1:26001'])], sentinel)).toEqual({ in: true, out: true });
    expect(holdsFor([rule(['127.0.0.1:7003'])], replica)).toEqual({ in: false, out: false });
    expect(holdsFor([rule(['client:drill-g[12]-*'])], client('drill-g1-c4'))).toEqual({ in: true, out: true });
    expect(holdsFor([rule(['client:drill-g[12]-*'])], client('drill-g0-c4'))).toEqual({ in: false, out: false });
  });

  it('spares the operator (clusterctl-*) and EXCEPT names; directions of several rules add up', () => {
    expect(holdsFor([rule(['clients'])], client('clusterctl-cli'))).toEqual({ in: false, out: false });
    expect(holdsFor([rule(['clients', 'EXCEPT', 'drill-g0-*'])], client('drill-g0-c1'))).toEqual({ in: false, out: false });
    expect(holdsFor([rule(['clients', 'EXCEPT', 'drill-g0-*'])], client(''))).toEqual({ in: true, out: true });
    expect(holdsFor([rule(['replicas', 'IN'])], replica)).toEqual({ in: true, out: false });
    expect(holdsFor([rule(['replicas', 'IN']), rule(['127.0.0.1:7002', 'OUT'])], replica)).toEqual({ in: true, out: true });
  });

  it('globs and hosts', () => {
    expect(nameMatches('a?c*', 'abcdef')).toBe(true);
    expect(nameMatches('a.c', 'abc')).toBe(false);
    expect(sameHost('localhost', '127.0.0.1')).toBe(true);
    expect(sameHost('10.0.0.1', '127.0.0.1')).toBe(false);
  });
});

describe('SocketGate: a black hole on one connection', () => {
  async function pair(): Promise<{ a: Socket; b: Socket; close(): void }> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const a = connect(port, '127.0.0.1');
    const b = await accepted;
    return { a, b, close: () => (a.destroy(), b.destroy(), server.close()) };
  }

  it('holds writes (FIN too) and delivers them in order on heal; held reads stay unread until heal', async () => {
    const { a, b, close } = await pair();
    let atB = '';
    let ended = false;
    b.on('data', (chunk) => (atB += chunk.toString()));
    b.on('end', () => (ended = true));
    let atA = '';
    a.on('data', (chunk) => (atA += chunk.toString()));
    const gate = new SocketGate(a);
    gate.set(true, true);
    a.write('one ');
    a.write(Buffer.from('two'));
    a.end();
    b.write('to a');
    // Nothing reached the kernel; reading is stopped. A round trip on a second connection, sent
    // after b's bytes, lets loopback deliver them: a still has not read them.
    expect(a.bytesWritten).toBe(0);
    expect(a.isPaused()).toBe(true);
    const control = await pair();
    let echoed = '';
    control.b.on('data', (chunk) => control.b.write(chunk));
    control.a.on('data', (chunk) => (echoed += chunk.toString()));
    control.a.write('ping');
    await waitFor(() => echoed === 'ping', { message: 'the control round trip' });
    control.close();
    expect(atB).toBe('');
    expect(ended).toBe(false);
    expect(atA).toBe('');
    expect(gate.heldBytes).toBe(7);
    gate.set(false, false);
    await waitFor(() => atB === 'one two' && ended && atA === 'to a', { message: 'held traffic to cross after the heal' });
    close();
  });
});

describe('clusterctl partition / heal operations', () => {
  const state = {
    name: 'c',
    engine: 'builtin',
    nodes: [{ name: 'm1', port: 7001 }, { name: 'r1', port: 7002 }],
    sentinels: [{ name: 's1', port: 26001 }],
  } as unknown as RunState;

  it('translates node and sentinel names to addresses and keeps groups', () => {
    expect(translatePeers(state, ['sentinels', 'r1', 's1', 'client:x*', '10.0.0.1:9'])).toEqual(['sentinels', '127.0.0.1:7002', '127.0.0.1:26001', 'client:x*', '10.0.0.1:9']);
    expect(() => translatePeers(state, ['r9'])).toThrow(/--from r9: not a group, a node or a sentinel/);
  });

  it('refuses engine redis, naming what works there', async () => {
    const redis = { ...state, engine: 'redis' } as RunState;
    await expect(partitionNode(redis, 'm1', { from: ['sentinels'] })).rejects.toThrow(/not supported on engine redis/);
    await expect(healNodes(redis)).rejects.toMatchObject({ exitCode: 2, suggestions: [expect.stringMatching(/kill, pause/)] });
  });
});
