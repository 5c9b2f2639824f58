// The lost-writes ledger reader behind `clusterctl lost-writes`: ledgers written the way the node
// writes them (appendLedger) or by hand into temp folders, read back deduplicated and in replay order.

import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendLedger, type LedgerRecord } from '../../src/server/replication/ledger.js';
import { encodeLedgerLine, LEDGER_GAP_NOTE, parseLedgerLine } from '../../src/shared/lost-writes-ledger.js';
import { readLostWrites } from '../../src/cli/ops/lost-writes/lost-writes.js';
import { formatReport, printableArg } from '../../src/cli/ops/lost-writes/lost-writes-format.js';
import { CliError } from '../../src/cli/errors.js';
import type { RunState } from '../../src/cli/state/run-state.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function cluster(names: string[], engine: 'builtin' | 'redis' = 'builtin'): RunState {
  const root = mkdtempSync(join(tmpdir(), 'lost-writes-cli-'));
  dirs.push(root);
  const nodes = names.map((name, i) => {
    const dir = join(root, name);
    mkdirSync(dir);
    return { name, port: 7000 + i, dir, configFile: join(dir, 'node.conf'), logFile: join(dir, 'node.log'), replicaof: i === 0 ? null : names[0]!, pid: null, startTime: null, startedAt: null };
  });
  return { version: 1, name: 'test', engine, specHash: '', spec: {} as RunState['spec'], createdAt: '', updatedAt: '', nodes, sentinels: [] };
}

const dirOf = (state: RunState, name: string) => state.nodes.find((n) => n.name === name)!.dir;

function record(replid: string, commands: LedgerRecord['commands'], missingBytes = 0, divergedAt = commands[0]?.offset ?? 100): LedgerRecord {
  return { replid, newMaster: '127.0.0.1:7001', divergedAt, endOffset: 999, missingBytes, commands };
}

describe('readLostWrites', () => {
  it('lists every node, counts a record two nodes hold once, oldest history first and in offset order', () => {
    const state = cluster(['m1', 'r1', 'r2']);
    const older = 'a'.repeat(40);
    const newer = 'b'.repeat(40);
    appendLedger(dirOf(state, 'm1'), record(older, [{ offset: 10, db: 0, args: ['SET', 'k1', 'v1'] }]), Date.parse('2026-01-01T00:00:00Z'));
    // r2 replicated from m1 (a cascade): it recorded the same command of the same history, and one more.
    appendLedger(dirOf(state, 'r2'), record(newer, [{ offset: 5, db: 2, args: ['INCR', 'n'] }]), Date.parse('2026-01-01T00:01:00Z'));
    appendLedger(
      dirOf(state, 'r2'),
      record(older, [
        { offset: 40, db: 0, args: ['DEL', 'k2'] },
        { offset: 10, db: 0, args: ['SET', 'k1', 'v1'] },
      ]),
      Date.parse('2026-01-01T00:00:30Z'),
    );
    const report = readLostWrites(state);
    expect(report.entries.map((e) => [e.key, e.node, e.db, e.command, e.alsoRecordedBy])).toEqual([
      [`${older}:10`, 'm1', 0, ['SET', 'k1', 'v1'], ['r2']],
      [`${older}:40`, 'r2', 0, ['DEL', 'k2'], []],
      [`${newer}:5`, 'r2', 2, ['INCR', 'n'], []],
    ]);
    expect(report.entries[0]).toMatchObject({ replid: older, offset: 10, newMaster: '127.0.0.1:7001', time: '2026-01-01T00:00:00.000Z', replayed: false });
    expect(report.totals).toEqual({ commands: 3, replayed: 0, pending: 3, duplicates: 1, gaps: 0, missingBytes: 0 });
    expect(report.nodes.map((n) => [n.node, n.exists, n.commands])).toEqual([
      ['m1', true, 1],
      ['r1', false, 0],
      ['r2', true, 3],
    ]);
    expect(report.nodes[0]!.jsonl).toBe(join(dirOf(state, 'm1'), 'lost-writes.jsonl'));
    expect(report.warnings).toEqual([]);
  });

  it('takes the exact bytes from the .resp file (binary values survive), readable text from the .jsonl', () => {
    const state = cluster(['m1']);
    const binary = Buffer.from([0xff, 0x00, 0xc3, 0xa9]).toString('latin1');
    appendLedger(dirOf(state, 'm1'), record('c'.repeat(40), [{ offset: 1, db: 3, args: ['SET', 'bin', binary] }]));
    const [entry] = readLostWrites(state).entries;
    expect(Buffer.from(entry!.args[2]!, 'latin1')).toEqual(Buffer.from([0xff, 0x00, 0xc3, 0xa9]));
    expect(entry!.command[2]).toBe('\ufffd\u0000é');
  });

  it('falls back to the JSON text, with a warning, when the .resp file does not match', () => {
    const state = cluster(['m1']);
    appendLedger(dirOf(state, 'm1'), record('c'.repeat(40), [{ offset: 1, db: 0, args: ['SET', 'k', 'héllo'] }].map((c) => ({ ...c, args: c.args.map((a) => Buffer.from(a, 'utf8').toString('latin1')) }))));
    writeFileSync(join(dirOf(state, 'm1'), 'lost-writes.resp'), '*1\r\n$4\r\nPING\r\n');
    const report = readLostWrites(state);
    expect(report.entries[0]!.args).toEqual(['SET', 'k', Buffer.from('héllo', 'utf8').toString('latin1')]);
    expect(report.warnings[0]).toMatch(/lost-writes\.resp does not match .*lost-writes\.jsonl/);
  });

  it('reports bytes the backlog no longer held, once per split, as writes lost without a record', () => {
    const state = cluster(['m1', 'r1']);
    const replid = 'd'.repeat(40);
    appendLedger(dirOf(state, 'm1'), record(replid, [{ offset: 300, db: 0, args: ['SET', 'a', '1'] }], 200, 100));
    appendLedger(dirOf(state, 'r1'), record(replid, [], 120, 100)); // the same split; r1's backlog held more
    const report = readLostWrites(state);
    expect(report.gaps).toEqual([expect.objectContaining({ node: 'm1', alsoRecordedBy: ['r1'], replid, fromOffset: 100, missingBytes: 120 })]);
    expect(report.totals).toMatchObject({ commands: 1, gaps: 1, missingBytes: 120 });
    expect(formatReport(state, report).join('\n')).toContain('120 byte(s) from offset 100 were no longer in the backlog: those writes are lost without a record');
  });

  it('marks what a replay recorded in any node folder as replayed', () => {
    const state = cluster(['m1', 'r1']);
    const replid = 'e'.repeat(40);
    appendLedger(dirOf(state, 'm1'), record(replid, [{ offset: 1, db: 0, args: ['INCR', 'n'] }, { offset: 30, db: 0, args: ['INCR', 'n'] }]));
    appendFileSync(join(dirOf(state, 'r1'), 'lost-writes.replayed'), `${replid}:1\n`);
    const report = readLostWrites(state);
    expect(report.entries.map((e) => [e.offset, e.replayed])).toEqual([
      [1, true],
      [30, false],
    ]);
    expect(report.totals).toMatchObject({ replayed: 1, pending: 1 });
    expect(formatReport(state, report).join('\n')).toMatch(/offset 1 .*INCR n {2}\[replayed\]/);
  });

  it('names the file and line of a malformed ledger line instead of crashing', () => {
    const state = cluster(['m1']);
    const file = join(dirOf(state, 'm1'), 'lost-writes.jsonl');
    appendLedger(dirOf(state, 'm1'), record('f'.repeat(40), [{ offset: 1, db: 0, args: ['SET', 'k', 'v'] }]));
    appendFileSync(file, '{"time":"2026-01-01T00:00:00Z","db":0,"command":["SET","k"\n');
    expect(() => readLostWrites(state)).toThrow(CliError);
    expect(() => readLostWrites(state)).toThrow(`${file}:2: malformed lost-writes ledger line: not JSON`);
    writeFileSync(file, '\n{"time":"t","db":"zero","command":["SET","k","v"],"offset":1,"replid":"x","newMaster":"h:1"}\n');
    expect(() => readLostWrites(state)).toThrow(`${file}:2: malformed lost-writes ledger line: "db" is missing or not a non-negative integer`);
  });

  it('reads one node by name; says plainly when there is nothing, and that engine redis keeps no ledger', () => {
    const state = cluster(['m1', 'r1']);
    appendLedger(dirOf(state, 'm1'), record('g'.repeat(40), [{ offset: 1, db: 0, args: ['SET', 'k', 'v'] }]));
    const onlyR1 = readLostWrites(state, 'r1');
    expect(onlyR1.nodes.map((n) => n.node)).toEqual(['r1']);
    expect(onlyR1.entries).toEqual([]);
    expect(formatReport(state, onlyR1)).toEqual(['No lost writes: nothing recorded in r1\'s ledger of cluster "test".']);
    expect(() => readLostWrites(state, 'r9')).toThrow(/no node named "r9"/);
    const redis = cluster(['m1'], 'redis');
    const report = readLostWrites(redis);
    expect(report.ledgerSupported).toBe(false);
    expect(formatReport(redis, report)[0]).toMatch(/^Engine redis keeps no lost-writes ledger/);
  });
});

describe('the ledger line format (src/shared/lost-writes-ledger.ts)', () => {
  it('encodes lines with their fields in a fixed order, whatever order the caller gives', () => {
    expect(encodeLedgerLine({ newMaster: 'h:1', replid: 'r', offset: 7, command: ['SET', 'k', 'v'], db: 2, time: 't' })).toBe(
      '{"time":"t","db":2,"command":["SET","k","v"],"offset":7,"replid":"r","newMaster":"h:1"}',
    );
    expect(encodeLedgerLine({ newMaster: 'h:1', fromOffset: 5, replid: 'r', missingBytes: 9, time: 't' })).toBe(
      `{"time":"t","missingBytes":9,"note":"${LEDGER_GAP_NOTE}","replid":"r","fromOffset":5,"newMaster":"h:1"}`,
    );
  });

  it('parses what it encodes, ignores fields it does not know, and says what is wrong with a bad line', () => {
    const gap = { time: 't', missingBytes: 9, replid: 'r', fromOffset: 5, newMaster: 'h:1' };
    expect(parseLedgerLine(encodeLedgerLine(gap))).toEqual({ ok: true, line: gap });
    expect(parseLedgerLine('{"time":"t","db":0,"command":["GET","k"],"offset":1,"replid":"r","newMaster":"h:1","later":true}')).toEqual({
      ok: true,
      line: { time: 't', db: 0, command: ['GET', 'k'], offset: 1, replid: 'r', newMaster: 'h:1' },
    });
    expect(parseLedgerLine('[1]')).toEqual({ ok: false, why: 'not a JSON object' });
    expect(parseLedgerLine('{"time":"t","missingBytes":-1}')).toEqual({ ok: false, why: '"missingBytes" is missing or not a non-negative integer' });
    expect(parseLedgerLine('{"time":"t","db":0,"command":[],"offset":1}')).toEqual({ ok: false, why: '"command" is missing or not a list of strings' });
  });
});

describe('printableArg', () => {
  it('shows short values as they are, quotes and escapes odd ones, and cuts long ones with their size', () => {
    expect(printableArg('lost:1')).toBe('lost:1');
    expect(printableArg('two words')).toBe('"two words"');
    expect(printableArg('a\r\nb\x00')).toBe('"a\\r\\nb\\x00"');
    expect(printableArg('x'.repeat(100))).toBe(`${'x'.repeat(39)}…(100 bytes)`);
  });
});
