// The sentinel interop scenarios, declared once and run in each pairing of node (ours or
// redis-server) and sentinel (ours or redis-sentinel) by the sentinel-matrix-*.test.ts files: TILT,
// CKQUORUM with too few sentinels, a failover with a sentinel crashed (replicas reconfigured), a
// restarted sentinel picking up the new configuration, the old master coming back as a replica, a
// manual failover honouring replica priority, down conditions, and a master rebooting within
// master-reboot-down-after-period; and host names. SENTINEL DEBUG timings (as redis-sentinel has
// them) keep it short.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackName } from '../helpers/loopback-name.js';
import { hasRedis, startNode, type Engine, type NodeProcess } from '../helpers/processes.js';
import { masterAddress, sentinelMaster, startSentinel, type SentinelProcess } from '../helpers/sentinels.js';
import { waitFor } from '../helpers/wait-for.js';

export const NAME = 'mymaster';
/** 2000, not 1000: see test/integration/sentinel-interop.test.ts (redis-sentinel's reconnection throttle). */
export const DOWN_AFTER = 2000;
/** Faster polls and hellos than Redis's defaults: INFO every second, hellos (and the convert-to-slave grace, 4 of them) shorter. */
export const DEBUG = ['info-period', '1000', 'publish-period', '1000', 'ask-period', '500'];

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every event a sentinel publishes, in order. */
export class Events {
  readonly seen: { channel: string; message: string }[] = [];
  private readonly subscriber: Redis;
  constructor(sentinel: SentinelProcess) {
    this.subscriber = sentinel.client();
    this.subscriber.on('error', () => {});
    this.subscriber.on('pmessage', (_p: string, channel: string, message: string) => this.seen.push({ channel, message }));
  }
  async start(): Promise<void> {
    await this.subscriber.psubscribe('*');
  }
  has(channel: string, pattern: RegExp = /.*/): boolean {
    return this.seen.some((e) => e.channel === channel && pattern.test(e.message));
  }
  clear(): void {
    this.seen.length = 0;
  }
  close(): void {
    this.subscriber.disconnect();
  }
}

export class Pairing {
  nodes: NodeProcess[] = [];
  sentinels: SentinelProcess[] = [];
  /** Processes replaced by a restart in the same directory: stopped (and their directories removed) at the end. */
  retired: (NodeProcess | SentinelProcess)[] = [];
  clients: (Redis | null)[] = [];
  events: (Events | null)[] = [];

  constructor(
    readonly nodeEngine: Engine,
    readonly sentinelEngine: Engine,
  ) {}

  /** A master, two replicas, three sentinels (quorum 2) that know each other. */
  async start(): Promise<void> {
    const master = await startNode({ engine: this.nodeEngine, config: { 'repl-diskless-sync-delay': '0' } });
    const replicas = await Promise.all([0, 1].map(() => startNode({ engine: this.nodeEngine, config: { replicaof: `127.0.0.1 ${master.port}` } })));
    this.nodes = [master, ...replicas];
    this.sentinels = await Promise.all(
      [0, 1, 2].map(() => startSentinel({ engine: this.sentinelEngine, monitors: [{ name: NAME, port: master.port, quorum: 2, downAfterMs: DOWN_AFTER, failoverTimeoutMs: 10_000 }] })),
    );
    for (const sentinel of this.sentinels) await this.attach(sentinel);
    await this.agree(master.port, 3);
  }

  /** A client and an event listener on `sentinel`, with the DEBUG timings set. */
  async attach(sentinel: SentinelProcess): Promise<void> {
    const index = this.sentinels.indexOf(sentinel);
    const client = sentinel.client();
    client.on('error', () => {});
    expect(await client.call('SENTINEL', 'DEBUG', ...DEBUG)).toBe('OK');
    const events = new Events(sentinel);
    await events.start();
    this.clients[index] = client;
    this.events[index] = events;
  }

  detach(index: number): void {
    this.clients[index]?.disconnect();
    this.events[index]?.close();
    this.clients[index] = null;
    this.events[index] = null;
  }

  live(): Redis[] {
    return this.clients.filter((c): c is Redis => c !== null);
  }

  node(port: number): NodeProcess {
    return this.nodes.find((n) => n.port === port)!;
  }

  /** Every live sentinel names `port` as master and sees the other nodes as its replicas and `sentinels` - 1 peers. */
  async agree(port: number, sentinels: number, timeout = 30_000): Promise<void> {
    await waitFor(
      async () => {
        for (const c of this.live()) {
          const view = await sentinelMaster(c, NAME);
          if (view.port !== String(port) || view['num-other-sentinels'] !== String(sentinels - 1)) return false;
        }
        return true;
      },
      { timeout, message: `the sentinels to agree on master ${port}` },
    );
  }

  /** `replica` replicates from `port` with its link up. */
  async follows(replica: NodeProcess, port: number, timeout = 30_000): Promise<void> {
    const c = replica.client({ enableReadyCheck: false, maxRetriesPerRequest: 1 });
    c.on('error', () => {});
    try {
      await waitFor(
        async () => {
          const role = (await c.call('ROLE')) as unknown[];
          return role[0] === 'slave' && role[2] === port && role[3] === 'connected';
        },
        { timeout, message: `${replica.port} to replicate from ${port}` },
      );
    } finally {
      c.disconnect();
    }
  }

  async nodeCommand(node: NodeProcess, ...args: string[]): Promise<unknown> {
    const c = node.client({ maxRetriesPerRequest: 1 });
    try {
      return await c.call(args[0]!, ...args.slice(1));
    } finally {
      c.disconnect();
    }
  }

  async stop(): Promise<void> {
    for (let i = 0; i < this.clients.length; i++) this.detach(i);
    for (const n of this.nodes) n.kill('SIGCONT');
    for (const s of this.sentinels) s.kill('SIGCONT');
    await Promise.all([...this.sentinels.map((s) => s.stop()), ...this.nodes.map((n) => n.stop())]);
    await Promise.all(this.retired.map((r) => r.stop()));
  }
}

/** The scenarios, in order, on one group (each starts from where the previous one left it). */
export function defineMatrix(nodeEngine: Engine, sentinelEngine: Engine): void {
  const needsRedis = nodeEngine === 'redis' || sentinelEngine === 'redis';
  describe.skipIf(needsRedis && !hasRedis())(`${nodeEngine} nodes under ${sentinelEngine} sentinels`, () => {
    const p = new Pairing(nodeEngine, sentinelEngine);
    let master = 0;

    beforeAll(async () => {
      await p.start();
      master = p.nodes[0]!.port;
    });
    afterAll(async () => {
      await p.stop();
    });

    it('TILT: a sentinel stopped longer than tilt-trigger enters TILT, answers not-down meanwhile, leaves it after tilt-period', async () => {
      const c = p.clients[2]!;
      expect(await c.call('SENTINEL', 'DEBUG', 'tilt-trigger', '500', 'tilt-period', '2000')).toBe('OK');
      p.sentinels[2]!.kill('SIGSTOP');
      await sleep(1200);
      p.sentinels[2]!.kill('SIGCONT');
      await waitFor(() => p.events[2]!.has('+tilt'), { timeout: 5000, message: '+tilt' });
      expect((await c.info('sentinel')) as string).toMatch(/sentinel_tilt:1/);
      expect(await c.call('SENTINEL', 'IS-MASTER-DOWN-BY-ADDR', '127.0.0.1', String(master), '0', '*')).toEqual([0, '*', 0]);
      await waitFor(() => p.events[2]!.has('-tilt'), { timeout: 6000, message: '-tilt' });
      expect((await c.info('sentinel')) as string).toMatch(/sentinel_tilt:0/);
      expect(await c.call('SENTINEL', 'DEBUG', 'tilt-trigger', '2000', 'tilt-period', '30000')).toBe('OK');
    });

    it('CKQUORUM with too few sentinels, then a failover with that sentinel crashed: the other replica follows', async () => {
      const [a] = p.live();
      expect(await a!.call('SENTINEL', 'CKQUORUM', NAME)).toBe('OK 3 usable Sentinels. Quorum and failover authorization can be reached');
      p.detach(2);
      p.sentinels[2]!.kill('SIGKILL');
      await waitFor(async () => ((await a!.call('SENTINEL', 'SENTINELS', NAME)) as string[][]).some((s) => s[9]!.startsWith('s_down')), { timeout: 10_000, message: 'the crashed sentinel s_down' });
      expect(await a!.call('SENTINEL', 'CKQUORUM', NAME)).toBe('OK 2 usable Sentinels. Quorum and failover authorization can be reached');
      expect(await a!.call('SENTINEL', 'SET', NAME, 'quorum', '3')).toBe('OK');
      await expect(a!.call('SENTINEL', 'CKQUORUM', NAME)).rejects.toThrow('NOQUORUM 2 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master');
      expect(await a!.call('SENTINEL', 'SET', NAME, 'quorum', '2')).toBe('OK');
      p.node(master).kill('SIGKILL');
      const address = await waitFor(
        async (): Promise<string | null> => {
          const all = await Promise.all(p.live().map((c) => masterAddress(c, NAME)));
          return all.every((x) => x === all[0] && x !== `127.0.0.1:${master}`) ? all[0]! : null;
        },
        { timeout: 30_000, message: 'the two live sentinels to agree on a new master' },
      );
      const promoted = Number(address.split(':')[1]);
      const other = p.nodes.find((n) => n.port !== promoted && n.port !== master)!;
      await p.follows(other, promoted);
      master = promoted;
    });

    it('a sentinel restarted from its config picks up the new configuration', async () => {
      const old = p.sentinels[2]!;
      p.retired.push(old);
      p.sentinels[2] = await startSentinel({ engine: sentinelEngine, monitors: [] }, { dir: old.dir, port: old.port });
      await p.attach(p.sentinels[2]!);
      await waitFor(async () => (await masterAddress(p.clients[2]!, NAME)) === `127.0.0.1:${master}`, { timeout: 30_000, message: 'the restarted sentinel to learn the new master' });
      await p.agree(master, 3);
    });

    it('the old master, started again, is made a replica of the new one', async () => {
      const dead = p.nodes[0]!;
      p.retired.push(dead);
      const back = await startNode({ engine: nodeEngine, dir: dead.dir, port: dead.port, config: { 'repl-diskless-sync-delay': '0' } });
      p.nodes[0] = back;
      await p.follows(back, master, 40_000);
    });

    it('a manual failover (SENTINEL FAILOVER) promotes the replica of lowest non-zero priority; the others follow', async () => {
      const replicas = p.nodes.filter((n) => n.port !== master);
      const [chosen, never] = [replicas[1]!, replicas[0]!];
      expect(await p.nodeCommand(chosen, 'CONFIG', 'SET', 'replica-priority', '10')).toBe('OK');
      expect(await p.nodeCommand(never, 'CONFIG', 'SET', 'replica-priority', '0')).toBe('OK');
      await sleep(1500); // one INFO period of the sentinels
      expect(await p.clients[1]!.call('SENTINEL', 'FAILOVER', NAME)).toBe('OK');
      await p.agree(chosen.port, 3);
      await p.follows(never, chosen.port);
      await p.follows(p.node(master), chosen.port, 40_000);
      expect(await p.nodeCommand(never, 'CONFIG', 'SET', 'replica-priority', '100')).toBe('OK');
      master = chosen.port;
    });

    it('down conditions: a stop shorter than down-after is nothing; a longer one is +sdown then +odown on every sentinel', async () => {
      // No replica may be promoted here: the failover each sentinel starts aborts.
      const replicas = p.nodes.filter((n) => n.port !== master);
      for (const r of replicas) expect(await p.nodeCommand(r, 'CONFIG', 'SET', 'replica-priority', '0')).toBe('OK');
      await sleep(1500);
      for (const e of p.events) e!.clear();
      p.node(master).kill('SIGSTOP');
      await sleep(DOWN_AFTER / 2);
      p.node(master).kill('SIGCONT');
      await sleep(DOWN_AFTER);
      expect(p.events.some((e) => e!.has('+sdown', /^master /))).toBe(false);
      p.node(master).kill('SIGSTOP');
      await waitFor(() => p.events.every((e) => e!.has('+odown', /^master mymaster 127\.0\.0\.1 \d+ #quorum \d\/2$/)), { timeout: 15_000, message: '+odown everywhere' });
      expect(p.events.every((e) => e!.has('+sdown', /^master /))).toBe(true);
      p.node(master).kill('SIGCONT');
      await waitFor(() => p.events.every((e) => e!.has('-odown') && e!.has('-sdown', /^master /)), { timeout: 15_000, message: '-odown and -sdown everywhere' });
      await p.agree(master, 3);
      for (const r of replicas) expect(await p.nodeCommand(r, 'CONFIG', 'SET', 'replica-priority', '100')).toBe('OK');
    });

    it.skipIf(nodeEngine !== 'redis')('a master rebooting within master-reboot-down-after-period counts as down while it only answers -LOADING', async () => {
      // Only the reboot rule may make it down: down-after is raised above the restart's gap (a
      // SIGTERM that saves 100000 keys, then a new process), and no replica may be promoted by the
      // failover a down master starts (it aborts with -failover-abort-no-good-slave).
      const replicas = p.nodes.filter((n) => n.port !== master);
      for (const r of replicas) expect(await p.nodeCommand(r, 'CONFIG', 'SET', 'replica-priority', '0')).toBe('OK');
      for (const c of p.live()) {
        expect(await c.call('SENTINEL', 'SET', NAME, 'master-reboot-down-after-period', '1000', 'down-after-milliseconds', '10000')).toBe('OK');
      }
      await sleep(1500); // the sentinels' next INFO of each replica tells them its priority
      const node = p.node(master);
      expect(await p.nodeCommand(node, 'DEBUG', 'POPULATE', '100000')).toBe('OK');
      expect(await p.nodeCommand(node, 'SAVE')).toBe('OK');
      for (const e of p.events) e!.clear();
      // Restarted in its directory (stop() would remove it), loading its RDB slowly: key-load-delay
      // (redis-server's hidden config, µs per key) makes it load for seconds, and it must answer
      // meanwhile (-LOADING to PING, INFO with its new run_id): by default it only serves clients
      // every loading-process-events-interval-bytes (2 MB, about the whole file here). How long the
      // load takes depends on the machine's load (usleep per key): it is waited for, not timed.
      node.kill('SIGTERM');
      await node.waitExit();
      p.retired.push(node);
      const config = { 'key-load-delay': '50', 'loading-process-events-interval-bytes': '1024' };
      const restarted = startNode({ engine: 'redis', dir: node.dir, port: node.port, config, readyTimeout: 90_000 });
      await waitFor(() => p.events.every((e) => e!.has('+reboot') && e!.has('+sdown', /^master /)), { timeout: 15_000, message: '+reboot then +sdown while loading' });
      p.nodes[p.nodes.indexOf(node)] = await restarted;
      await waitFor(() => p.events.every((e) => e!.has('-sdown', /^master /)), { timeout: 20_000, message: '-sdown once loaded (its first +PONG)' });
      for (const c of p.live()) {
        expect(await c.call('SENTINEL', 'SET', NAME, 'master-reboot-down-after-period', '0', 'down-after-milliseconds', String(DOWN_AFTER))).toBe('OK');
      }
      for (const r of replicas) expect(await p.nodeCommand(r, 'CONFIG', 'SET', 'replica-priority', '100')).toBe('OK');
    });
  });
}

/**
 * Host names (resolve-hostnames / announce-hostnames yes): the master monitored by a name that
 * resolves only to 127.0.0.x, replicas announcing that name; every reply and the failover's result
 * name hosts by it.
 */
export function defineHostNames(nodeEngine: Engine, sentinelEngine: Engine): void {
  const needsRedis = nodeEngine === 'redis' || sentinelEngine === 'redis';
  describe.skipIf(needsRedis && !hasRedis())(`host names: ${nodeEngine} nodes under ${sentinelEngine} sentinels`, () => {
    const p = new Pairing(nodeEngine, sentinelEngine);
    let name: string | null = null;

    beforeAll(async () => {
      name = await loopbackName();
      if (!name) return;
      const master = await startNode({ engine: nodeEngine, config: { 'repl-diskless-sync-delay': '0', 'replica-announce-ip': name } });
      const replicas = await Promise.all(
        [0, 1].map(() => startNode({ engine: nodeEngine, config: { replicaof: `${name} ${master.port}`, 'replica-announce-ip': name! } })),
      );
      p.nodes = [master, ...replicas];
      const lines = [
        'sentinel resolve-hostnames yes',
        'sentinel announce-hostnames yes',
        `sentinel monitor ${NAME} ${name} ${master.port} 2`,
        `sentinel down-after-milliseconds ${NAME} ${DOWN_AFTER}`,
        `sentinel failover-timeout ${NAME} 10000`,
      ];
      p.sentinels = await Promise.all([0, 1, 2].map(() => startSentinel({ engine: sentinelEngine, monitors: [], lines })));
      for (const sentinel of p.sentinels) await p.attach(sentinel);
      await p.agree(master.port, 3);
    });
    afterAll(async () => {
      await p.stop();
    });

    it('monitors, lists and fails over by host name', async (context) => {
      if (!name) {
        context.skip('no name here resolves only to 127.0.0.x (localhost resolves to ::1 too?)');
        return;
      }
      const master = p.nodes[0]!;
      const [a] = p.live();
      expect(await a!.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME)).toEqual([name, String(master.port)]);
      expect((await sentinelMaster(a!, NAME)).ip).toBe(name);
      await waitFor(async () => ((await a!.call('SENTINEL', 'REPLICAS', NAME)) as string[][]).length === 2, { message: 'both replicas' });
      const replicaNames = ((await a!.call('SENTINEL', 'REPLICAS', NAME)) as string[][]).map((r) => r[1]).sort();
      expect(replicaNames).toEqual(p.nodes.slice(1).map((n) => `${name}:${n.port}`).sort());
      expect(await a!.call('SENTINEL', 'CONFIG', 'GET', '*-hostnames')).toEqual(['resolve-hostnames', 'yes', 'announce-hostnames', 'yes']);
      master.kill('SIGKILL');
      const address = await waitFor(
        async (): Promise<string[] | null> => {
          const all = await Promise.all(p.live().map((c) => c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME) as Promise<string[]>));
          return all.every((x) => x[0] === name && x[1] === all[0]![1] && x[1] !== String(master.port)) ? all[0]! : null;
        },
        { timeout: 30_000, message: 'every sentinel to name a new master by host name' },
      );
      const promoted = Number(address[1]);
      await p.follows(p.nodes.find((n) => n.port !== promoted && n !== master)!, promoted);
    });
  });
}
