// Reading the lost-writes ledgers the builtin nodes write into their own folders (the node writes
// `lost-writes.jsonl` and `lost-writes.resp` when a repoint erases writes past the new master's
// history): every node's records, deduplicated across nodes, with replay markers. Sync and pure file
// reading, so other tools (the drill checker) can use it without a running cluster.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isGapLine,
  LEDGER_JSONL,
  LEDGER_RESP,
  parseLedgerLine,
  type LedgerCommandLine,
  type LedgerGapLine,
} from '../../../shared/lost-writes-ledger.js';
import { RequestParser } from '../../../shared/resp/request-parser.js';
import { CliError, EXIT } from '../../errors.js';
import type { NodeRecord, RunState } from '../../state/run-state.js';

/** Written by `clusterctl lost-writes --replay`: one `replid:offset` key per replayed command. */
export const LEDGER_REPLAYED = 'lost-writes.replayed';

/** One divergent command a node recorded before its full resync erased it (its ledger line, and more). */
export interface LostWrite extends LedgerCommandLine {
  /** `replid:offset`: the same command in the same history, whichever node recorded it. */
  key: string;
  /** The node whose ledger holds it (the first in topology order when several do). */
  node: string;
  /** Other nodes whose ledgers hold the same record (e.g. a cascaded replica of the demoted master). */
  alsoRecordedBy: string[];
  /** The exact bytes, one latin1 string per argument (from lost-writes.resp): what a replay sends. */
  args: string[];
  /** True when `clusterctl lost-writes --replay` already applied it. */
  replayed: boolean;
}

/** Divergent bytes the node's backlog no longer held: those writes are lost without a record. */
export interface LostWritesGap extends LedgerGapLine {
  node: string;
  alsoRecordedBy: string[];
}

/** One node's ledger files (paths are given even when the files do not exist). */
export interface NodeLedger {
  node: string;
  dir: string;
  jsonl: string;
  resp: string;
  replayedFile: string;
  /** Whether the node has a ledger at all. */
  exists: boolean;
  /** Records in this node's files, before deduplication. */
  commands: number;
  gaps: number;
}

export interface LostWritesReport {
  cluster: string;
  engine: string;
  /** False for engine redis: redis-server keeps no ledger (its divergent writes are simply gone). */
  ledgerSupported: boolean;
  nodes: NodeLedger[];
  /** Deduplicated, oldest history first, in offset order within a history. */
  entries: LostWrite[];
  gaps: LostWritesGap[];
  /** Problems that did not stop the reading (e.g. a .resp file that does not match the .jsonl). */
  warnings: string[];
  totals: {
    commands: number;
    replayed: number;
    pending: number;
    /** Records dropped because another node's ledger already held them. */
    duplicates: number;
    gaps: number;
    missingBytes: number;
  };
}

/**
 * Every node's ledger (or only `selector`'s: a node name; resolve role selectors such as `master`
 * with cluster/select.ts first). Throws a CliError naming file and line for a malformed ledger line.
 */
export function readLostWrites(state: RunState, selector?: string): LostWritesReport {
  const records = selector === undefined ? state.nodes : [nodeByName(state, selector)];
  const nodes: NodeLedger[] = [];
  const warnings: string[] = [];
  const byKey = new Map<string, LostWrite>();
  const gapsByKey = new Map<string, LostWritesGap>();
  const replayedKeys = new Set<string>();
  let duplicates = 0;
  // Markers count from every node's folder: the replay writes them where the kept record lives.
  for (const record of state.nodes) for (const key of readReplayed(join(record.dir, LEDGER_REPLAYED))) replayedKeys.add(key);

  for (const record of records) {
    const ledger = ledgerFiles(record);
    nodes.push(ledger);
    if (!existsSync(ledger.jsonl)) continue;
    ledger.exists = true;
    const { commands, gaps } = parseLedgerJsonl(readFileSync(ledger.jsonl, 'utf8'), ledger.jsonl);
    ledger.commands = commands.length;
    ledger.gaps = gaps.length;
    const exact = exactArgs(ledger, commands, warnings);
    commands.forEach((raw, i) => {
      const key = `${raw.replid}:${raw.offset}`;
      const seen = byKey.get(key);
      if (seen) {
        duplicates++;
        if (seen.node !== record.name && !seen.alsoRecordedBy.includes(record.name)) seen.alsoRecordedBy.push(record.name);
        return;
      }
      byKey.set(key, { key, node: record.name, alsoRecordedBy: [], ...raw, args: exact[i]!, replayed: replayedKeys.has(key) });
    });
    for (const raw of gaps) {
      // The same split seen by two nodes: keep the smaller gap (that node's backlog held more).
      const key = `${raw.replid}:${raw.fromOffset}`;
      const seen = gapsByKey.get(key);
      if (!seen) gapsByKey.set(key, { node: record.name, alsoRecordedBy: [], ...raw });
      else {
        if (seen.node !== record.name && !seen.alsoRecordedBy.includes(record.name)) seen.alsoRecordedBy.push(record.name);
        if (raw.missingBytes < seen.missingBytes) Object.assign(seen, { missingBytes: raw.missingBytes, time: raw.time });
      }
    }
  }

  const entries = orderForReplay([...byKey.values()]);
  const gaps = [...gapsByKey.values()].sort((a, b) => a.time.localeCompare(b.time) || a.fromOffset - b.fromOffset);
  const replayed = entries.filter((e) => e.replayed).length;
  return {
    cluster: state.name,
    engine: state.engine,
    ledgerSupported: state.engine !== 'redis',
    nodes,
    entries,
    gaps,
    warnings,
    totals: {
      commands: entries.length,
      replayed,
      pending: entries.length - replayed,
      duplicates,
      gaps: gaps.length,
      missingBytes: gaps.reduce((sum, g) => sum + g.missingBytes, 0),
    },
  };
}

/** Oldest history first (by its first record's time), offset order within a history. */
export function orderForReplay(entries: LostWrite[]): LostWrite[] {
  const firstSeen = new Map<string, string>();
  for (const e of entries) {
    const t = firstSeen.get(e.replid);
    if (t === undefined || e.time < t) firstSeen.set(e.replid, e.time);
  }
  return entries.sort(
    (a, b) => firstSeen.get(a.replid)!.localeCompare(firstSeen.get(b.replid)!) || a.replid.localeCompare(b.replid) || a.offset - b.offset,
  );
}

function nodeByName(state: RunState, name: string): NodeRecord {
  const record = state.nodes.find((node) => node.name === name);
  if (record) return record;
  throw new CliError(`no node named "${name}" in cluster "${state.name}" (nodes: ${state.nodes.map((n) => n.name).join(', ')})`, {
    exit: EXIT.USAGE,
    code: 'NO_SUCH_NODE',
  });
}

function ledgerFiles(record: NodeRecord): NodeLedger {
  return {
    node: record.name,
    dir: record.dir,
    jsonl: join(record.dir, LEDGER_JSONL),
    resp: join(record.dir, LEDGER_RESP),
    replayedFile: join(record.dir, LEDGER_REPLAYED),
    exists: false,
    commands: 0,
    gaps: 0,
  };
}

function readReplayed(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Parses a lost-writes.jsonl text; `file` names it in errors ("FILE:LINE: ..."). */
export function parseLedgerJsonl(text: string, file: string): { commands: LedgerCommandLine[]; gaps: LedgerGapLine[] } {
  const commands: LedgerCommandLine[] = [];
  const gaps: LedgerGapLine[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const parsed = parseLedgerLine(line);
    if (!parsed.ok) throw malformed(`${file}:${i + 1}`, parsed.why);
    if (isGapLine(parsed.line)) gaps.push(parsed.line);
    else commands.push(parsed.line);
  });
  return { commands, gaps };
}

function malformed(where: string, why: string): CliError {
  return new CliError(`${where}: malformed lost-writes ledger line: ${why}`, {
    exit: EXIT.FAILED,
    code: 'BAD_LEDGER',
    suggestion: 'Fix or remove that line (the node only appends whole lines; was the file edited?).',
  });
}

/**
 * The exact argument bytes: the .jsonl carries readable UTF-8 text (lossy for binary values), the
 * .resp file the same commands in the same order (plus SELECTs). Falls back to the text when the
 * two files do not match, with a warning.
 */
function exactArgs(ledger: NodeLedger, commands: LedgerCommandLine[], warnings: string[]): string[][] {
  const fromText = () => commands.map((c) => c.command.map((arg) => Buffer.from(arg, 'utf8').toString('latin1')));
  if (commands.length === 0) return [];
  if (!existsSync(ledger.resp)) {
    warnings.push(`${ledger.resp} is missing: replaying ${ledger.node}'s commands from the JSON text (exact for UTF-8 values only)`);
    return fromText();
  }
  const parser = new RequestParser({ maxBulkLength: Number.MAX_SAFE_INTEGER, maxMultibulkLength: Number.MAX_SAFE_INTEGER });
  parser.feed(readFileSync(ledger.resp));
  const parsed: string[][] = [];
  try {
    for (let args = parser.next(); args !== null; args = parser.next()) if (args[0]!.toLowerCase() !== 'select') parsed.push(args);
  } catch {
    // A torn tail: the comparison below reports the mismatch.
  }
  const same =
    parsed.length === commands.length &&
    parsed.every((args, i) => {
      const text = commands[i]!.command;
      return args.length === text.length && args.every((arg, j) => Buffer.from(arg, 'latin1').toString('utf8') === text[j]);
    });
  if (same) return parsed;
  warnings.push(
    `${ledger.resp} does not match ${ledger.jsonl} (${parsed.length} vs ${commands.length} commands): replaying ${ledger.node}'s commands from the JSON text (exact for UTF-8 values only)`,
  );
  return fromText();
}
