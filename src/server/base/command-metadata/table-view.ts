// The metadata of the commands a node's table holds, as COMMAND reports them: each spec's metadata,
// with a container's subcommands cut down to the ones the node implements (COMMAND INFO CLIENT lists
// what CLIENT here accepts). Built once per command table; lookups follow Redis's rules for names.

import type { CommandSpec } from '../command-spec.js';
import { commandMeta } from './index.js';
import type { CommandMeta } from './types.js';

export interface TableEntry {
  spec: CommandSpec;
  meta: CommandMeta;
}

/** The table's view: top-level entries in table order, and every full name. */
export interface TableView {
  top: readonly TableEntry[];
  byName: ReadonlyMap<string, TableEntry>;
}

const views = new WeakMap<ReadonlyMap<string, CommandSpec>, TableView>();

/** A command without metadata (a new one not yet described): what the spec itself can tell. */
function bareMeta(spec: CommandSpec, fullName: string): CommandMeta {
  const keys = spec.firstKey ? [spec.firstKey, spec.lastKey, spec.step] : undefined;
  return { name: fullName, arity: spec.arity, flags: spec.flags.filter((f) => f !== 'may_replicate'), keys, acl: [], doc: { group: 'server' } };
}

function entryOf(spec: CommandSpec, fullName: string, byName: Map<string, TableEntry>): TableEntry {
  const known = commandMeta(fullName) ?? bareMeta(spec, fullName);
  let meta = known;
  if (spec.subcommands) {
    const subs = spec.subcommands.map((sub) => entryOf(sub, `${fullName}|${sub.name}`, byName));
    subs.sort((a, b) => (a.meta.name < b.meta.name ? -1 : 1));
    meta = { ...known, subcommands: subs.map((s) => s.meta) };
  }
  const entry = { spec, meta };
  byName.set(fullName, entry);
  return entry;
}

export function tableView(table: ReadonlyMap<string, CommandSpec>): TableView {
  let view = views.get(table);
  if (!view) {
    const byName = new Map<string, TableEntry>();
    const top = [...table].map(([name, spec]) => entryOf(spec, name, byName));
    view = { top, byName };
    views.set(table, view);
  }
  return view;
}

/**
 * A name as COMMAND INFO / DOCS take it (Redis lookupCommandBySds): `get` or `config|get`, any case;
 * a `|` after a command without subcommands, or a second `|`, names nothing.
 */
export function lookupByFullName(view: TableView, name: string): TableEntry | undefined {
  const parts = name.toLowerCase().split('|');
  if (parts.length > 2) return undefined;
  const base = view.byName.get(parts[0]!);
  if (!base || parts.length === 1) return base;
  if (!base.spec.subcommands) return undefined;
  return view.byName.get(`${parts[0]}|${parts[1]}`);
}

/**
 * The command a whole line runs (Redis lookupCommand, as COMMAND GETKEYS uses it): a container's
 * subcommand when one is given, else the command itself.
 */
export function lookupByLine(view: TableView, line: readonly string[]): TableEntry | undefined {
  const name = line[0]!.toLowerCase();
  const base = view.byName.get(name);
  if (!base || line.length === 1 || !base.spec.subcommands) return base;
  return view.byName.get(`${name}|${line[1]!.toLowerCase()}`);
}
