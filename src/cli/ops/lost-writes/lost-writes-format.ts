// Human output of `clusterctl lost-writes`: per node, per history, one line per command (long values
// shortened, control bytes escaped), the gaps said plainly, and totals. --json carries everything in full.

import { isAbsolute, relative } from 'node:path';
import type { RunState } from '../../state/run-state.js';
import type { LostWrite, LostWritesReport } from './lost-writes.js';

/** Longest argument shown in full; longer ones are cut (with their length). */
const MAX_ARG = 40;

/** An argument as a person can read it: quoted when it has spaces, quotes or control bytes; long ones cut. */
export function printableArg(arg: string, max = MAX_ARG): string {
  const chars = [...arg];
  let text = chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : arg;
  const needsQuotes = text === '' || /[\s"'\\\x00-\x1f\x7f]/.test(text);
  if (needsQuotes) {
    text = `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\x00-\x1f\x7f]/g, (c) => escapeControl(c))}"`;
  }
  return chars.length > max ? `${text}(${Buffer.byteLength(arg, 'utf8')} bytes)` : text;
}

function escapeControl(c: string): string {
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

export function printableCommand(command: string[]): string {
  return [command[0]!.toUpperCase(), ...command.slice(1).map((a) => printableArg(a))].join(' ');
}

/** "127.0.0.1:7001" -> "r1 (127.0.0.1:7001)" when it is one of the cluster's nodes. */
export function masterLabel(state: RunState, address: string): string {
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  const node = state.nodes.find((n) => n.port === port);
  return node ? `${node.name} (${address})` : address;
}

export function formatReport(state: RunState, report: LostWritesReport): string[] {
  if (!report.ledgerSupported) {
    return [`Engine redis keeps no lost-writes ledger: redis-server discards a demoted node's divergent writes without a record. Nothing to list.`];
  }
  const lines: string[] = [];
  for (const ledger of report.nodes) {
    const entries = report.entries.filter((e) => e.node === ledger.node);
    const gaps = report.gaps.filter((g) => g.node === ledger.node);
    if (!ledger.exists) continue;
    if (entries.length === 0 && gaps.length === 0) {
      lines.push(`${ledger.node}: ${ledger.commands} record(s), all also held by another node's ledger (${shortPath(ledger.jsonl)})`);
      continue;
    }
    lines.push(`${ledger.node}: ${entries.length} command(s)${gaps.length ? `, ${gaps.length} gap(s)` : ''}  (${shortPath(ledger.jsonl)})`);
    for (const replid of [...new Set([...entries.map((e) => e.replid), ...gaps.map((g) => g.replid)])]) {
      const inHistory = entries.filter((e) => e.replid === replid);
      const newMaster = inHistory[0]?.newMaster ?? gaps.find((g) => g.replid === replid)!.newMaster;
      lines.push(`  history ${replid}, repointed to ${masterLabel(state, newMaster)}`);
      for (const gap of gaps.filter((g) => g.replid === replid)) {
        lines.push(
          `    ✖ ${gap.missingBytes} byte(s) from offset ${gap.fromOffset} were no longer in the backlog: those writes are lost without a record`,
        );
      }
      for (const entry of inHistory) lines.push(`    ${entryLine(entry)}`);
    }
  }
  if (report.entries.length === 0 && report.gaps.length === 0) {
    const where = report.nodes.length === 1 ? `${report.nodes[0]!.node}'s ledger` : 'any ledger';
    lines.push(`No lost writes: nothing recorded in ${where} of cluster "${report.cluster}".`);
  } else {
    lines.push(totalsLine(report));
  }
  for (const warning of report.warnings) lines.push(`⚠ ${warning}`);
  return lines;
}

/** Relative to the working directory when under it (the usual ./.clusterctl), else absolute. */
function shortPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

function entryLine(entry: LostWrite): string {
  const also = entry.alsoRecordedBy.length ? `  (also in ${entry.alsoRecordedBy.join(', ')})` : '';
  const mark = entry.replayed ? '  [replayed]' : '';
  return `${entry.time}  offset ${entry.offset}  db ${entry.db}  ${printableCommand(entry.command)}${mark}${also}`;
}

export function totalsLine(report: LostWritesReport): string {
  const t = report.totals;
  const nodes = new Set([...report.entries.map((e) => e.node), ...report.gaps.map((g) => g.node)]).size;
  const parts = [`Total: ${t.commands} command(s) on ${nodes} node(s) (${t.pending} pending, ${t.replayed} replayed)`];
  if (t.duplicates) parts.push(`${t.duplicates} duplicate record(s) counted once`);
  if (t.missingBytes) parts.push(`${t.missingBytes} byte(s) of writes lost without a record`);
  return `${parts.join('; ')}.`;
}
