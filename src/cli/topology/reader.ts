// Reads a parsed YAML document node by node while recording where every problem is: each issue names
// file:line:col (from the node's source range), the dotted field path, a message and a hint.

import { isMap, isScalar, isSeq, type LineCounter, type Node, type Pair } from 'yaml';
import { closest } from '../../shared/closest.js';
import type { TopologyIssue } from './types.js';

export interface Entry {
  key: string;
  keyNode: Node;
  value: Node | null;
  path: string;
}

export class Reader {
  readonly issues: TopologyIssue[] = [];

  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  /** Records an issue at `node` (or at the start of the file when there is no node). */
  report(node: Node | null | undefined, path: string, message: string, hint?: string): void {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    this.issues.push({ file: this.file, line: Math.max(line, 1), col: Math.max(col, 1), path, message, ...(hint ? { hint } : {}) });
  }

  /** The entries of a mapping; reports (and returns []) when `node` is not a mapping. Null = empty. */
  entries(node: Node | null, path: string): Entry[] {
    if (node === null || (isScalar(node) && node.value === null)) return [];
    if (!isMap(node)) {
      this.report(node, path, `${path} must be a mapping (key: value lines)`);
      return [];
    }
    const result: Entry[] = [];
    for (const pair of node.items as Pair<Node, Node | null>[]) {
      const keyNode = pair.key;
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
      if (key === undefined) {
        this.report(keyNode, path, `${path}: keys must be plain names`);
        continue;
      }
      result.push({ key, keyNode, value: pair.value ?? null, path: path === '' ? key : `${path}.${key}` });
    }
    return result;
  }

  /** Reports every key not in `allowed`, with the closest allowed key as the hint; returns the rest. */
  known(entries: Entry[], allowed: readonly string[], where: string): Entry[] {
    return entries.filter((entry) => {
      if (allowed.includes(entry.key)) return true;
      const guess = closest(entry.key, allowed);
      this.report(
        entry.keyNode,
        entry.path,
        `unknown key "${entry.key}" in ${where}`,
        guess ? `Did you mean "${guess}"?` : `Valid keys: ${allowed.join(', ')}.`,
      );
      return false;
    });
  }

  /** A string scalar (numbers are accepted as their text); reports otherwise. */
  string(entry: Entry): string | undefined {
    const node = entry.value;
    if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') && node.value !== '') {
      return String(node.value);
    }
    this.report(node ?? entry.keyNode, entry.path, `${entry.path} must be a non-empty string`);
    return undefined;
  }

  /** An integer scalar within [min, max]; reports otherwise. */
  integer(entry: Entry, min: number, max: number, what = 'an integer'): number | undefined {
    const node = entry.value;
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.report(node ?? entry.keyNode, entry.path, `${entry.path} must be ${what}, got ${describe(node)}`);
      return undefined;
    }
    if (value < min || value > max) {
      this.report(node, entry.path, `${entry.path} must be between ${min} and ${max}, got ${value}`);
      return undefined;
    }
    return value;
  }

  /** A directive value: scalar (booleans become yes/no) or a list of scalars (one line each). */
  directiveValues(entry: Entry): string[] | undefined {
    const node = entry.value;
    if (isSeq(node)) {
      const values: string[] = [];
      for (const item of node.items as Node[]) {
        const text = scalarText(item);
        if (text === undefined) {
          this.report(item, entry.path, `${entry.path}: list items must be plain values`);
          return undefined;
        }
        values.push(text);
      }
      return values;
    }
    const text = scalarText(node);
    if (text === undefined) {
      const empty = node === null || (isScalar(node) && node.value === null);
    this.report(empty ? entry.keyNode : node, entry.path, `${entry.path} needs a value`, 'Write "" for an empty value (e.g. save: "").');
      return undefined;
    }
    return [text];
  }
}

function scalarText(node: Node | null): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined;
  if (typeof node.value === 'boolean') return node.value ? 'yes' : 'no';
  if (typeof node.value === 'object') return undefined;
  return String(node.value);
}

function describe(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isScalar(node)) return typeof node.value === 'string' ? `"${node.value}"` : String(node.value);
  return isMap(node) ? 'a mapping' : 'a list';
}
