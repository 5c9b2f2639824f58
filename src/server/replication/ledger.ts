// The lost-writes ledger. Replication is asynchronous: a node that is demoted (or repointed) can hold
// stream bytes past the point where its new master's history diverged from its own (the new
// master's replid2 / second_repl_offset). Redis throws them away with the full resync that follows;
// we first extract them from the backlog, command by command, and append them to two files in the
// node's directory: `lost-writes.jsonl` (one JSON line per command: time, db, args, offset, replid)
// and `lost-writes.resp` (the same commands as RESP, with SELECTs, for `redis-cli --pipe`).

import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeCommand } from '../../shared/resp/encoder.js';
import { RequestParser } from '../../shared/resp/request-parser.js';
import { encodeLedgerLine, LEDGER_JSONL, LEDGER_RESP } from '../../shared/lost-writes-ledger.js';
import { clock } from '../base/clock.js';

// The format is shared with the CLI that reads the ledger; the file name is re-exported for the log line.
export { LEDGER_JSONL };

export interface LostCommand {
  /** Stream offset of the command's first byte (1-based, as backlog offsets). */
  offset: number;
  db: number;
  args: string[];
}

/**
 * Stream commands that carry no user data. PUBLISH is propagated too (Redis sends it down the stream
 * so replicas' subscribers get it), but a message is fire-and-forget, not a write to keep — and
 * replaying sentinels' old hellos would announce a stale configuration.
 */
const CONTROL = new Set(['ping', 'replconf', 'select', 'multi', 'exec', 'publish', 'spublish']);

/**
 * Splits stream bytes starting at `startOffset` into the commands they hold, tracking SELECT
 * (`startDb` is the db selected in the stream at that point, when known). Pure.
 */
export function parseStreamCommands(bytes: Buffer, startOffset: number, startDb: number): LostCommand[] {
  const parser = new RequestParser({ maxBulkLength: Number.MAX_SAFE_INTEGER, maxMultibulkLength: Number.MAX_SAFE_INTEGER });
  parser.feed(bytes);
  const out: LostCommand[] = [];
  let offset = startOffset;
  let db = startDb;
  for (;;) {
    let args: string[] | null;
    try {
      args = parser.next();
    } catch {
      break; // a cut in the middle of a command at the start of the range: nothing more to read
    }
    if (args === null) break;
    const name = args[0]!.toLowerCase();
    if (name === 'select') db = Number(args[1]);
    else if (!CONTROL.has(name)) out.push({ offset, db, args });
    offset += parser.lastFrameBytes;
  }
  return out;
}

export interface LedgerRecord {
  /** Our history id the lost bytes belong to. */
  replid: string;
  /** The master we were repointed to. */
  newMaster: string;
  /** First offset the new master does not have. */
  divergedAt: number;
  /** Last offset we had. */
  endOffset: number;
  /** Divergent bytes the backlog no longer held (their commands are unknown). */
  missingBytes: number;
  commands: LostCommand[];
}

/** Appends a record to the node's ledger files (nothing when there is nothing to record). */
export function appendLedger(dir: string, record: LedgerRecord, now = clock.now()): void {
  const time = new Date(now).toISOString();
  const lines: string[] = [];
  let resp = '';
  let selected = -1;
  for (const command of record.commands) {
    lines.push(
      encodeLedgerLine({
        time,
        db: command.db,
        // Readable text for people; the .resp file keeps the exact bytes for a replay.
        command: command.args.map((arg) => Buffer.from(arg, 'latin1').toString('utf8')),
        offset: command.offset,
        replid: record.replid,
        newMaster: record.newMaster,
      }),
    );
    if (command.db !== selected) {
      resp += encodeCommand(['SELECT', String(command.db)]);
      selected = command.db;
    }
    resp += encodeCommand(command.args);
  }
  if (record.missingBytes > 0) {
    lines.push(encodeLedgerLine({ time, missingBytes: record.missingBytes, replid: record.replid, fromOffset: record.divergedAt, newMaster: record.newMaster }));
  }
  if (lines.length === 0) return;
  appendFileSync(join(dir, LEDGER_JSONL), lines.map((l) => `${l}\n`).join(''));
  if (resp !== '') appendFileSync(join(dir, LEDGER_RESP), resp, 'latin1');
}
