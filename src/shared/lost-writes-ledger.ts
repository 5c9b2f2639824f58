// The lost-writes ledger's format, the one contract between the node that writes it
// (server/replication/ledger.ts) and the CLI that reads it (cli/ops/lost-writes/): the file names
// in the node's directory, and the JSON line of `lost-writes.jsonl` — a command line per divergent
// command, or a gap line for divergent bytes the backlog no longer held.

/** One JSON line per record. */
export const LEDGER_JSONL = 'lost-writes.jsonl';
/** The same commands as RESP, with SELECTs (exact bytes, for `redis-cli --pipe` or a replay). */
export const LEDGER_RESP = 'lost-writes.resp';

/** Written into every gap line for a person reading the file; readers ignore it. */
export const LEDGER_GAP_NOTE = 'the backlog no longer held these divergent bytes: their commands are lost without a record';

/** A divergent command the node extracted from its backlog before the full resync erased it. */
export interface LedgerCommandLine {
  /** When it was recorded (ISO 8601), not when the client wrote it. */
  time: string;
  db: number;
  /** The command and arguments as readable UTF-8 text (invalid bytes show as U+FFFD; the .resp file keeps the exact bytes). */
  command: string[];
  /** Stream offset of the command's first byte in the history it belonged to. */
  offset: number;
  /** The history (replication ID) the command belonged to. */
  replid: string;
  /** host:port of the master the node was repointed to when it recorded this. */
  newMaster: string;
}

/** Divergent bytes the backlog no longer held: writes lost without a record. */
export interface LedgerGapLine {
  time: string;
  missingBytes: number;
  replid: string;
  /** First offset of the missing range. */
  fromOffset: number;
  newMaster: string;
}

export type LedgerLine = LedgerCommandLine | LedgerGapLine;

export function isGapLine(line: LedgerLine): line is LedgerGapLine {
  return 'missingBytes' in line;
}

/** The JSON text of one line (no newline), its fields always in the order the node has written them. */
export function encodeLedgerLine(line: LedgerLine): string {
  if (isGapLine(line)) {
    const { time, missingBytes, replid, fromOffset, newMaster } = line;
    return JSON.stringify({ time, missingBytes, note: LEDGER_GAP_NOTE, replid, fromOffset, newMaster });
  }
  const { time, db, command, offset, replid, newMaster } = line;
  return JSON.stringify({ time, db, command, offset, replid, newMaster });
}

export type ParsedLedgerLine = { ok: true; line: LedgerLine } | { ok: false; why: string };

/**
 * Reads one line of `lost-writes.jsonl`. Tolerant: fields it does not know (the note, anything a
 * later node adds) are ignored, and the result holds only the fields of LedgerLine. A line without
 * the required fields, or not JSON, is `{ ok: false, why }` (why: what is wrong, for a message).
 */
export function parseLedgerLine(text: string): ParsedLedgerLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, why: `not JSON (${(error as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, why: 'not a JSON object' };
  const o = value as Record<string, unknown>;
  try {
    return { ok: true, line: 'missingBytes' in o ? gapLine(o) : commandLine(o) };
  } catch (error) {
    if (error instanceof Malformed) return { ok: false, why: error.message };
    throw error;
  }
}

class Malformed extends Error {}

function gapLine(o: Record<string, unknown>): LedgerGapLine {
  return { time: str(o, 'time'), missingBytes: int(o, 'missingBytes'), replid: str(o, 'replid'), fromOffset: int(o, 'fromOffset'), newMaster: str(o, 'newMaster') };
}

function commandLine(o: Record<string, unknown>): LedgerCommandLine {
  const command = o.command;
  if (!Array.isArray(command) || command.length === 0 || !command.every((a) => typeof a === 'string')) {
    throw new Malformed('"command" is missing or not a list of strings');
  }
  return { time: str(o, 'time'), db: int(o, 'db'), command: command as string[], offset: int(o, 'offset'), replid: str(o, 'replid'), newMaster: str(o, 'newMaster') };
}

function str(o: Record<string, unknown>, name: string): string {
  if (typeof o[name] !== 'string') throw new Malformed(`"${name}" is missing or not a string`);
  return o[name] as string;
}

function int(o: Record<string, unknown>, name: string): number {
  if (!Number.isSafeInteger(o[name]) || (o[name] as number) < 0) throw new Malformed(`"${name}" is missing or not a non-negative integer`);
  return o[name] as number;
}
