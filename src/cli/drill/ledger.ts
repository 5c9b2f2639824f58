// What the lost-writes ledgers hold for this drill's keys: key -> value of every SET recorded in a
// node's lost-writes.jsonl (the divergent commands a demoted node extracted before its full
// resync). The one place that reads the ledger, so it can move onto ops/lost-writes.ts.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunState } from '../state/run-state.js';

export const LEDGER_FILE = 'lost-writes.jsonl';

/** Parses ledger lines (one JSON object per line; unreadable lines are skipped). */
export function drillWritesInLedger(text: string, keyPrefix: string, into = new Map<string, string>()): Map<string, string> {
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let entry: { command?: unknown };
    try {
      entry = JSON.parse(line) as { command?: unknown };
    } catch {
      continue;
    }
    const command = entry.command;
    if (!Array.isArray(command) || command.length < 3 || String(command[0]).toUpperCase() !== 'SET') continue;
    const key = String(command[1]);
    if (key.startsWith(keyPrefix)) into.set(key, String(command[2]));
  }
  return into;
}

export function readDrillLedger(state: RunState, keyPrefix: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const node of state.nodes) {
    let text: string;
    try {
      text = readFileSync(join(node.dir, LEDGER_FILE), 'utf8');
    } catch {
      continue; // No ledger: this node never dropped divergent writes.
    }
    drillWritesInLedger(text, keyPrefix, found);
  }
  return found;
}
