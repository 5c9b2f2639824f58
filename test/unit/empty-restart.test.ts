// The empty-restart guard's start-up decision (replication/empty-restart/start-decision.ts): a
// master that served keys and comes back with none must not act as a master (its replicas would
// resync from the empty dataset, as redis-server's do); every other start serves. And the history
// file it decides from survives a round trip, and a torn or foreign file counts as none.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decideStart, type RememberedHistory } from '../../src/server/replication/empty-restart/start-decision.js';
import { HISTORY_FILE, readHistory, writeHistory } from '../../src/server/replication/empty-restart/history-file.js';

const servedMaster: RememberedHistory = { role: 'master', replid: 'a'.repeat(40), offset: 52_000, keys: 1200, at: Date.UTC(2026, 0, 1) };
const base = { remembered: servedMaster, loadedKeys: 0, startsAsReplica: false, guardEnabled: true };

describe('empty-restart start decision', () => {
  it('refuses a master that served keys and loaded none, saying what it remembers', () => {
    const verdict = decideStart(base);
    expect(verdict.serve).toBe(false);
    expect(verdict.why).toContain('1200 keys');
    expect(verdict.why).toContain('a'.repeat(40));
    expect(verdict.why).toContain('offset 52000');
  });

  it('serves when its persistence brought data back, even less than it had', () => {
    expect(decideStart({ ...base, loadedKeys: 3 })).toMatchObject({ serve: true, why: expect.stringContaining('loaded 3 keys') });
  });

  it('serves on a first start (no history) and when it was empty when last recorded', () => {
    expect(decideStart({ ...base, remembered: null }).serve).toBe(true);
    expect(decideStart({ ...base, remembered: { ...servedMaster, keys: 0 } }).serve).toBe(true);
  });

  it('leaves replicas to their master, and a former replica to whoever starts it as a master', () => {
    expect(decideStart({ ...base, startsAsReplica: true }).serve).toBe(true);
    expect(decideStart({ ...base, remembered: { ...servedMaster, role: 'replica' } }).serve).toBe(true);
  });

  it('serves as redis-server does when empty-restart-guard is no', () => {
    expect(decideStart({ ...base, guardEnabled: false })).toMatchObject({ serve: true, why: 'empty-restart-guard is off' });
  });
});

describe('replication history file', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reads back what was written; a missing, torn or foreign file is no history', () => {
    dir = mkdtempSync(join(tmpdir(), 'history-'));
    expect(readHistory(dir)).toBeNull();
    writeHistory(dir, servedMaster);
    expect(readHistory(dir)).toEqual(servedMaster);
    writeFileSync(join(dir, HISTORY_FILE), '{"role":"master","replid":"ab');
    expect(readHistory(dir)).toBeNull();
    writeFileSync(join(dir, HISTORY_FILE), JSON.stringify({ ...servedMaster, role: 'leader' }));
    expect(readHistory(dir)).toBeNull();
    writeFileSync(join(dir, HISTORY_FILE), JSON.stringify({ ...servedMaster, keys: 'many' }));
    expect(readHistory(dir)).toBeNull();
  });
});
