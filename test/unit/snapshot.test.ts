// The point-in-time snapshot producer: whatever writes, deletes, creations, flushes and swaps happen
// between its slices, the RDB it emits loads back as exactly the keyspace at the instant it started.

import { describe, expect, it } from 'vitest';
import { ListValue } from '../../src/server/keyspace/list.js';
import { SortedSet } from '../../src/server/keyspace/sorted-set.js';
import type { Db } from '../../src/server/keyspace/db.js';
import { loadRdbBuffer } from '../../src/server/persistence/load.js';
import { startSnapshot, type SnapshotStats } from '../../src/server/persistence/snapshot.js';
import type { Server } from '../../src/server/server.js';
import { makeServer } from '../helpers/unit-server.js';
import { keyspaceOf, zset } from './rdb-helpers.js';
import { seededRandom } from '../../src/shared/seeded-random.js';

const rng = seededRandom;

const DBS = [0, 1, 3];

function randomValue(rand: () => number, n: number) {
  switch (Math.floor(rand() * 5)) {
    case 0:
      return `v${n}-${'x'.repeat(Math.floor(rand() * 40))}`;
    case 1:
      return new ListValue(Array.from({ length: 1 + Math.floor(rand() * 4) }, (_, i) => `e${n}.${i}`));
    case 2:
      return new Map(Array.from({ length: 1 + Math.floor(rand() * 4) }, (_, i): [string, string] => [`f${i}`, `${n}`]));
    case 3:
      return new Set(Array.from({ length: 1 + Math.floor(rand() * 4) }, (_, i) => `m${n}.${i}`));
    default:
      return zset(Array.from({ length: 1 + Math.floor(rand() * 4) }, (_, i): [string, number] => [`z${i}`, n + i / 2]));
  }
}

/** One random change through the keyspace funnel, the way commands make them. */
function mutate(server: Server, rand: () => number, n: number): void {
  const db: Db = server.db(DBS[Math.floor(rand() * DBS.length)]!);
  const keys = [...db.data.keys()];
  const existing = keys.length > 0 ? keys[Math.floor(rand() * keys.length)]! : undefined;
  const key = existing !== undefined && rand() < 0.75 ? existing : `k${Math.floor(rand() * 60)}`;
  const roll = rand();
  if (roll < 0.25) {
    db.set(key, randomValue(rand, n));
  } else if (roll < 0.45) {
    db.delete(key);
  } else if (roll < 0.5) {
    // Delete and re-create at once: the key moves to the end of the Map's iteration order.
    db.delete(key);
    db.set(key, randomValue(rand, n));
  } else if (roll < 0.8) {
    const value = db.data.get(key);
    if (value === undefined || typeof value === 'string') return void db.set(key, `s${n}`, true);
    db.willModify(key);
    if (value instanceof ListValue) value.pushBack(`pushed${n}`);
    else if (value instanceof Map) value.set(`nf${n}`, 'x');
    else if (value instanceof Set) value.add(`added${n}`);
    else if (value instanceof SortedSet) value.scores.set(`zm${n}`, n);
  } else if (roll < 0.9) {
    if (db.data.has(key)) db.setExpire(key, 4102444800000 + n);
  } else if (roll < 0.97) {
    db.persist(key);
  } else if (roll < 0.985) {
    db.clear();
  } else {
    const other = server.db(DBS[Math.floor(rand() * DBS.length)]!);
    swap(server, db, other);
  }
}

/** SWAPDB as db-admin.ts does it: every key of both dbs is announced, then the contents move. */
function swap(server: Server, a: Db, b: Db): void {
  for (const key of new Set([...a.data.keys(), ...b.data.keys()])) {
    server.beforeChange(a, key);
    server.beforeChange(b, key);
  }
  if (a === b) return;
  const [aData, aExp] = [new Map(a.data), new Map(a.expires)];
  a.data.clear();
  a.expires.clear();
  for (const [k, v] of b.data) a.data.set(k, v);
  for (const [k, v] of b.expires) a.expires.set(k, v);
  b.data.clear();
  b.expires.clear();
  for (const [k, v] of aData) b.data.set(k, v);
  for (const [k, v] of aExp) b.expires.set(k, v);
}

function populate(server: Server, rand: () => number, count: number): void {
  for (let i = 0; i < count; i++) {
    const db = server.db(DBS[Math.floor(rand() * DBS.length)]!);
    db.set(`k${i}`, randomValue(rand, i));
    if (rand() < 0.3) db.setExpire(`k${i}`, 4102444800000 - i);
  }
}

let target: Server | undefined;

/** Loads into a reused, emptied server (building one per run would dominate the test's time). */
function loadInto(rdb: Buffer): Server {
  target ??= makeServer();
  for (const db of target.dbs) db.clear();
  loadRdbBuffer(target, rdb, { keepExpired: true });
  return target;
}

describe('point-in-time snapshot, driven slice by slice', () => {
  it('equals the keyspace at its start whatever happens between slices (150 random runs)', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const rand = rng(seed);
      const server = makeServer();
      populate(server, rand, 10 + Math.floor(rand() * 50));
      const expected = keyspaceOf(server);
      const chunks: Buffer[] = [];
      let next: (() => void) | undefined;
      let done = false;
      startSnapshot(server, {
        onChunk: (chunk) => void chunks.push(chunk),
        onDone: () => (done = true),
        onError: (error) => {
          throw error;
        },
        maxKeysPerSlice: 1 + Math.floor(rand() * 4),
        schedule: (slice) => (next = slice),
      });
      let n = 1000;
      while (!done) {
        const writes = Math.floor(rand() * 4);
        for (let i = 0; i < writes; i++) mutate(server, rand, n++);
        const slice = next!;
        next = undefined;
        slice();
      }
      expect(server.observers.size, `seed ${seed}: observer left behind`).toBe(0);
      expect(keyspaceOf(loadInto(Buffer.concat(chunks))), `seed ${seed}`).toEqual(expected);
    }
  }, 30_000);

  it('never stores a key created after the start, nor a key twice', () => {
    const server = makeServer();
    for (let i = 0; i < 5; i++) server.db(0).set(`a${i}`, 'x');
    const chunks: Buffer[] = [];
    let next: (() => void) | undefined;
    let stats: SnapshotStats | undefined;
    startSnapshot(server, {
      onChunk: (chunk) => void chunks.push(chunk),
      onDone: (s) => (stats = s),
      onError: (error) => {
        throw error;
      },
      maxKeysPerSlice: 1,
      schedule: (slice) => (next = slice),
    });
    const db = server.db(0);
    next!(); // SELECTDB
    next!(); // a0 written
    db.delete('a0');
    db.set('a0', 'recreated'); // visited, re-appears at the end of the iteration
    db.set('new', 'after-start');
    db.delete('a3'); // not yet visited: must come from the saved copy
    while (!stats) next!();
    const loaded = loadInto(Buffer.concat(chunks));
    expect([...loaded.db(0).data.keys()].sort()).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(loaded.db(0).data.get('a0')).toBe('x');
    expect(stats).toMatchObject({ keys: 5, copiedKeys: 1 });
  });
});

describe('snapshot on the real event loop', () => {
  function run(server: Server, options: Partial<Parameters<typeof startSnapshot>[1]> = {}) {
    const chunks: Buffer[] = [];
    return new Promise<{ rdb: Buffer; stats: SnapshotStats }>((resolve, reject) => {
      startSnapshot(server, {
        onChunk: (chunk) => void chunks.push(chunk),
        onDone: (stats) => resolve({ rdb: Buffer.concat(chunks), stats }),
        onError: reject,
        ...options,
      });
    });
  }

  it('yields to the event loop between slices while writes keep coming', async () => {
    const server = makeServer();
    const rand = rng(42);
    populate(server, rand, 3000);
    const expected = keyspaceOf(server);
    let turns = 0;
    let finished = false;
    const writer = (): void => {
      if (finished) return;
      turns++;
      for (let i = 0; i < 5; i++) mutate(server, rand, 100_000 + turns * 10 + i);
      setImmediate(writer);
    };
    setImmediate(writer);
    const { rdb, stats } = await run(server, { sliceMs: 0.1, maxKeysPerSlice: 50 });
    finished = true;
    expect(turns).toBeGreaterThan(10); // the writer ran in between slices
    expect(stats.copiedKeys).toBeGreaterThan(0);
    expect(keyspaceOf(loadInto(rdb))).toEqual(expected);
  });

  it('waits for a consumer promise before the next slice (backpressure)', async () => {
    const server = makeServer();
    for (let i = 0; i < 200; i++) server.db(0).set(`k${i}`, 'v'.repeat(100));
    let inFlight = 0;
    let maxInFlight = 0;
    const chunks: Buffer[] = [];
    await run(server, {
      maxKeysPerSlice: 10,
      onChunk: (chunk) => {
        chunks.push(chunk);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        return new Promise<void>((resolve) =>
          setTimeout(() => {
            inFlight--;
            resolve();
          }, 1),
        );
      },
    });
    expect(maxInFlight).toBe(1);
    expect(chunks.length).toBeGreaterThan(10);
    expect(loadInto(Buffer.concat(chunks)).db(0).size).toBe(200);
  });

  it('reports a consumer failure once and stops', async () => {
    const server = makeServer();
    for (let i = 0; i < 100; i++) server.db(0).set(`k${i}`, 'v');
    await expect(
      run(server, {
        maxKeysPerSlice: 10,
        onChunk: () => Promise.reject(new Error('disk full')),
      }),
    ).rejects.toThrow('disk full');
    expect(server.observers.size).toBe(0);
  });

  it('abort() stops it: no more chunks, no callback, observer removed', async () => {
    const server = makeServer();
    for (let i = 0; i < 100; i++) server.db(0).set(`k${i}`, 'v');
    let chunks = 0;
    let called = false;
    const handle = startSnapshot(server, {
      maxKeysPerSlice: 10,
      onChunk: () => {
        if (++chunks === 2) handle.abort();
      },
      onDone: () => (called = true),
      onError: () => (called = true),
    });
    expect(handle.keysTotal).toBe(100);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(chunks).toBe(2);
    expect(called).toBe(false);
    expect(server.observers.size).toBe(0);
  });

  it('lets two snapshots taken at different instants run side by side', async () => {
    const server = makeServer();
    for (let i = 0; i < 500; i++) server.db(0).set(`k${i}`, `first-${i}`);
    const first = keyspaceOf(server);
    const a = run(server, { maxKeysPerSlice: 20 });
    for (let i = 0; i < 500; i += 3) server.db(0).set(`k${i}`, `second-${i}`);
    server.db(0).set('extra', 'x');
    const second = keyspaceOf(server);
    const b = run(server, { maxKeysPerSlice: 7 });
    for (let i = 0; i < 500; i += 2) server.db(0).delete(`k${i}`);
    expect(keyspaceOf(loadInto((await a).rdb))).toEqual(first);
    expect(keyspaceOf(loadInto((await b).rdb))).toEqual(second);
  });

  it('writes an empty keyspace as a valid RDB', async () => {
    const { rdb, stats } = await run(makeServer());
    expect(stats.keys).toBe(0);
    expect(keyspaceOf(loadInto(rdb))).toEqual({});
  });
});
