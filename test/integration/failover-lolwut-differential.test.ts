// Differential test of FAILOVER's refusals and LOLWUT's replies: the same commands on our node and
// on redis-server 7.0.15, in the same states (a lone master, a master with a replica, its replica,
// a failover waiting for its stopped target, a replica still waiting for its snapshot, cluster
// mode), compared reply for reply. LOLWUT VERSION 5 with one or two rows of squares is drawn
// without randomness and must match byte for byte; the random drawings are compared by shape.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { hasRedis, startNode, type Engine, type NodeProcess } from '../helpers/processes.js';
import { info, waitInSync } from '../helpers/info.js';
import { waitFor } from '../helpers/wait-for.js';
import { RawClient, resp } from '../helpers/raw-client.js';

/** The reply, or the error's text: what a client sees either way. */
async function outcome(client: Redis, ...args: (string | number)[]): Promise<unknown> {
  try {
    const reply = await client.callBuffer(String(args[0]), ...args.slice(1).map(String));
    return Buffer.isBuffer(reply) ? reply.toString('latin1') : reply;
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

const ENGINES: Engine[] = ['builtin', 'redis'];

/** Starts one setup per engine and closes everything after the block. */
function useSetups<T extends { nodes: NodeProcess[]; clients: Redis[] }>(build: (engine: Engine) => Promise<T>) {
  const setups: T[] = [];
  beforeAll(async () => {
    for (const engine of ENGINES) setups.push(await build(engine));
  });
  afterAll(async () => {
    for (const setup of setups) {
      for (const node of setup.nodes) node.kill('SIGCONT');
      for (const client of setup.clients) client.disconnect();
    }
    await Promise.all(setups.flatMap((setup) => setup.nodes.map((node) => node.stop())));
  });
  return setups;
}

/** Runs `commands` on every setup's client picked by `pick`; expects the same outcomes and returns ours. */
async function compare<T>(setups: T[], pick: (setup: T) => Redis, commands: (string | number)[][]): Promise<unknown[]> {
  const results: unknown[][] = [];
  for (const setup of setups) {
    const replies: unknown[] = [];
    for (const command of commands) replies.push(await outcome(pick(setup), ...command));
    results.push(replies);
  }
  expect(results[0]).toEqual(results[1]);
  return results[0]!;
}

interface Pair {
  nodes: NodeProcess[];
  clients: Redis[];
  master: Redis;
  replica: Redis;
  replicaNode: NodeProcess;
}

async function masterWithReplica(engine: Engine, masterConfig: Record<string, string> = {}): Promise<Pair> {
  const masterNode = await startNode({ engine, config: { 'repl-diskless-sync-delay': '0', ...masterConfig } });
  const replicaNode = await startNode({ engine, config: { replicaof: `127.0.0.1 ${masterNode.port}` } });
  const master = masterNode.client();
  const replica = replicaNode.client();
  return { nodes: [masterNode, replicaNode], clients: [master, replica], master, replica, replicaNode };
}

describe.skipIf(!hasRedis())('FAILOVER errors, our node vs redis-server', () => {
  describe('a lone master', () => {
    const setups = useSetups(async (engine) => {
      const node = await startNode({ engine });
      const client = node.client();
      return { nodes: [node], clients: [client], client };
    });

    it('refuses bad arguments in the order Redis parses them, then a master without replicas', async () => {
      const replies = await compare(setups, (s) => s.client, [
        ['FAILOVER'],
        ['FAILOVER', 'ABORT'],
        ['FAILOVER', 'abort'],
        ['FAILOVER', 'TIMEOUT', '0'],
        ['FAILOVER', 'TIMEOUT', '-5'],
        ['FAILOVER', 'TIMEOUT', 'soon'],
        ['FAILOVER', 'TIMEOUT'],
        ['FAILOVER', 'TIMEOUT', '10', 'TIMEOUT', '20'],
        ['FAILOVER', 'TO', '127.0.0.1'],
        ['FAILOVER', 'TO', '127.0.0.1', 'port'],
        ['FAILOVER', 'TO', '127.0.0.1', '1', 'TO', '127.0.0.1', '2'],
        ['FAILOVER', 'TO', '127.0.0.1', '1', 'TIMEOUT', '0'],
        ['FAILOVER', 'FORCE', 'FORCE'],
        ['FAILOVER', 'FORCE'],
        ['FAILOVER', 'ABORT', 'TIMEOUT', '5'],
        ['FAILOVER', 'NOW'],
        ['FAILOVER', 'TO', '127.0.0.1', '1', 'FORCE', 'TIMEOUT', '100'],
        ['PSYNC', '?', '-1', 'FAILOVER'],
      ]);
      expect(replies[0]).toBe('error: ERR FAILOVER requires connected replicas.');
      expect(replies[1]).toBe('error: ERR No failover in progress.');
      expect(replies[3]).toBe('error: ERR FAILOVER timeout must be greater than 0');
      expect(replies[6]).toBe('error: ERR syntax error');
      expect(replies[17]).toBe("error: ERR PSYNC FAILOVER can't be sent to a master.");
    });
  });

  describe('a master with a replica, and that replica', () => {
    const setups = useSetups(async (engine) => {
      const pair = await masterWithReplica(engine);
      await pair.master.set('k', 'v');
      await waitInSync(pair.master, pair.replica);
      await waitFor(async () => (await info(pair.master, 'replication')).slave0?.includes('state=online'), { timeout: 20_000, message: 'replica online' });
      return pair;
    });

    it('on the master: FORCE needs TO and TIMEOUT, TO must name an attached replica', async () => {
      const replies = await compare(setups, (s) => s.master, [
        ['FAILOVER', 'FORCE'],
        ['FAILOVER', 'TIMEOUT', '100', 'FORCE'],
        ['FAILOVER', 'TO', '127.0.0.1', '1', 'FORCE'],
        ['FAILOVER', 'TO', '127.0.0.1', '1'],
        ['FAILOVER', 'TO', '127.0.0.2', '1', 'TIMEOUT', '50'],
      ]);
      expect(replies[0]).toBe('error: ERR FAILOVER with force option requires both a timeout and target HOST and IP.');
      expect(replies[3]).toBe('error: ERR FAILOVER target HOST and PORT is not a replica.');
      // Host names are not resolved: the replica is known by its address.
      for (const setup of setups) {
        expect(await outcome(setup.master, 'FAILOVER', 'TO', 'localhost', setup.replicaNode.port)).toBe('error: ERR FAILOVER target HOST and PORT is not a replica.');
      }
    });

    it('on the replica: FAILOVER is refused, PSYNC FAILOVER needs our replication id', async () => {
      const replies = await compare(setups, (s) => s.replica, [
        ['FAILOVER'],
        ['FAILOVER', 'ABORT'],
        ['FAILOVER', 'TIMEOUT', '0'],
        ['PSYNC', '0123456789012345678901234567890123456789', '1', 'FAILOVER'],
      ]);
      expect(replies[0]).toBe('error: ERR FAILOVER is not valid when server is a replica.');
      expect(replies[3]).toBe('error: ERR PSYNC FAILOVER replid must match my replid.');
      for (const setup of setups) expect((await info(setup.replica, 'replication')).role).toBe('slave');
    });

    it('while a failover waits for its stopped target: already in progress, no REPLICAOF, no SYNC', async () => {
      for (const setup of setups) {
        setup.replicaNode.kill('SIGSTOP');
        await setup.master.set('unacked', '1');
        expect(await outcome(setup.master, 'FAILOVER')).toBe('OK');
      }
      const replies = await compare(setups, (s) => s.master, [
        ['FAILOVER'],
        ['FAILOVER', 'TO', '127.0.0.1', '1'],
        ['FAILOVER', 'TIMEOUT', '0'],
        ['REPLICAOF', 'NO', 'ONE'],
        ['REPLICAOF', '127.0.0.1', '1'],
        ['PSYNC', '?', '-1'],
        ['FAILOVER', 'ABORT'],
        ['FAILOVER', 'ABORT'],
      ]);
      expect(replies[0]).toBe('error: ERR FAILOVER already in progress.');
      expect(replies[3]).toBe('error: ERR REPLICAOF not allowed while failing over.');
      expect(replies[5]).toBe("error: NOMASTERLINK Can't SYNC while failing over");
      expect(replies[6]).toBe('OK');
      expect(replies[7]).toBe('error: ERR No failover in progress.');
      for (const setup of setups) setup.replicaNode.kill('SIGCONT');
    });
  });

  describe('a replica still waiting for its snapshot', () => {
    const setups = useSetups(async (engine) => {
      // The diskless sync waits a minute for more replicas: the replica stays in wait_bgsave.
      const pair = await masterWithReplica(engine, { 'repl-diskless-sync': 'yes', 'repl-diskless-sync-delay': '60' });
      await waitFor(async () => (await info(pair.master, 'replication')).slave0?.includes('state=wait_bgsave'), { timeout: 20_000, message: 'replica attached, waiting for its snapshot' });
      return pair;
    });

    it('is not a failover target yet', async () => {
      for (const setup of setups) {
        expect(await outcome(setup.master, 'FAILOVER', 'TO', '127.0.0.1', setup.replicaNode.port)).toBe('error: ERR FAILOVER target replica is not online.');
      }
    });
  });

  describe('cluster mode', () => {
    const setups = useSetups(async (engine) => {
      const node = await startNode({ engine, config: { 'cluster-enabled': 'yes' } });
      const client = node.client();
      return { nodes: [node], clients: [client], client };
    });

    it('leaves failovers to CLUSTER FAILOVER', async () => {
      const replies = await compare(setups, (s) => s.client, [['FAILOVER'], ['FAILOVER', 'ABORT'], ['FAILOVER', 'BOGUS']]);
      expect(replies[0]).toBe('error: ERR FAILOVER not allowed in cluster mode. Use CLUSTER FAILOVER command instead.');
    });
  });
});

describe.skipIf(!hasRedis())('LOLWUT, our node vs redis-server', () => {
  const setups = useSetups(async (engine) => {
    const node = await startNode({ engine });
    const client = node.client();
    return { nodes: [node], clients: [client], client, port: node.port };
  });

  /** The raw RESP3 bytes of one command's reply (after HELLO 3, whose reply differs by server). */
  async function resp3Reply(port: number, ...args: string[]): Promise<string> {
    const raw = await RawClient.open(port);
    try {
      await raw.send(resp('HELLO', '3'));
      await raw.waitFor('HELLO 3 reply', (text) => text.includes('modules'));
      await raw.waitFor('HELLO 3 reply end', (text) => text.endsWith('*0\r\n'));
      raw.discard();
      await raw.send(resp(...args));
      await raw.waitFor('a verbatim reply', (text) => {
        const header = /^=(\d+)\r\n/.exec(text);
        return header !== null && text.length >= header[0].length + Number(header[1]) + 2;
      });
      return raw.text();
    } finally {
      raw.destroy();
    }
  }

  it('answers the version line and the deterministic Schotter drawings byte for byte, and the same errors', async () => {
    const replies = await compare(setups, (s) => s.client, [
      ['LOLWUT'],
      ['LOLWUT', 'VERSION', '7'],
      ['LOLWUT', 'VERSION', '4'],
      ['LOLWUT', 'VERSION', '49'],
      ['LOLWUT', 'VERSION', '-1'],
      ['LOLWUT', 'VERSION'],
      ['LOLWUT', 'whatever', '1', '2'],
      ['LOLWUT', 'VERSION', 'five'],
      ['LOLWUT', 'VERSION', '5', 'wide'],
      ['LOLWUT', 'VERSION', '5', '10', 'x'],
      ['LOLWUT', 'VERSION', '6', '80', 'tall'],
      ['LOLWUT', 'VERSION', '5', '66', '8', '2'],
      ['LOLWUT', 'VERSION', '5', '10', '3', '1'],
      ['LOLWUT', 'VERSION', '5', '1', '1', '1'],
      ['LOLWUT', 'VERSION', '5', '0', '0', '-3'],
      ['LOLWUT', 'VERSION', '5', '300', '250', '2'],
      ['LOLWUT', 'VERSION', '4294967301', '40', '5', '2'],
    ]);
    expect(replies[0]).toBe('Redis ver. 7.0.15\n');
    expect(replies[7]).toBe('error: ERR value is not an integer or out of range');
    expect(replies[11]).toMatch(/\nGeorg Nees - schotter, plotter on paper, 1968\. Redis ver\. 7\.0\.15\n$/);
  });

  it('answers verbatim text in RESP3', async () => {
    for (const args of [['LOLWUT'], ['LOLWUT', 'VERSION', '5', '20', '4', '1']]) {
      const [ours, theirs] = [await resp3Reply(setups[0]!.port, ...args), await resp3Reply(setups[1]!.port, ...args)];
      expect(ours).toMatch(/^=\d+\r\ntxt:/);
      expect(ours).toBe(theirs);
    }
  });

  it('draws the random versions in the same shape: lines, their widths, the closing text', async () => {
    for (const args of [
      ['LOLWUT', 'VERSION', '5'],
      ['LOLWUT', 'VERSION', '5', '30', '6', '9'],
      ['LOLWUT', 'VERSION', '6'],
      ['LOLWUT', 'VERSION', '6', '33', '7'],
    ]) {
      const shapes = [];
      for (const setup of setups) {
        const text = Buffer.from((await outcome(setup.client, ...args)) as string, 'latin1').toString('utf8');
        const lines = text.split('\n');
        // Characters per line, colour escapes counted as the one cell they draw.
        const cells = lines.map((line) => line.replace(/\x1b\[[0-9;]*m \x1b\[0m/g, '#'));
        shapes.push({ widths: cells.map((line) => [...line].length), text: cells.filter((line) => /[A-Za-z]/.test(line)) });
      }
      expect(shapes[0]).toEqual(shapes[1]);
    }
  });
});
