// The house of docs/architecture.md, enforced in one place: scans every import under src/ and fails
// naming the file and the import for
// - a forbidden edge between rooms: shared imports no other room; server imports shared only (its
//   replica link speaks raw RESP, no client library); sentinel imports shared and may use ioredis,
//   never server; cli imports shared and starts nodes through bin/, never their code;
// - a pure decision core (sentinel/core, server/fencing/core) importing anything but itself and
//   shared: no sockets, files, timers or clocks;
// - a lower server layer importing a command handler (server/commands/**): handlers sit on top,
//   only the composition root (server/main.ts) reaches the command table (commands/registry.ts);
// - any runtime import cycle in src (a static import that is not type-only).

import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

type Room = 'shared' | 'server' | 'sentinel' | 'cli';

interface Rule {
  rooms: Room[];
  /** npm packages the room may import (node builtins are always allowed). */
  packages: string[];
}

const RULES: Record<Room, Rule> = {
  shared: { rooms: ['shared'], packages: [] },
  // wasmoon-lua5.1: the Lua 5.1 VM of EVAL and FUNCTION (server/scripting/lua-api.ts says why).
  server: { rooms: ['server', 'shared'], packages: ['wasmoon-lua5.1'] },
  sentinel: { rooms: ['sentinel', 'shared'], packages: ['ioredis'] },
  cli: { rooms: ['cli', 'shared'], packages: ['ioredis', 'execa', 'listr2', 'yaml', '@oclif/core'] },
};

const BUILTINS = new Set(builtinModules);

/** Every module specifier a TypeScript source names: import/export from, import(), require(). */
export function importsOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  const found: string[] = [];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.push(match[1]!);
  return found;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function roomOf(path: string): string {
  return path.split('/')[0]!;
}

/**
 * Checks files given as paths relative to src/ (posix separators) with their sources; returns one
 * line per forbidden edge: `<file>: import '<specifier>' (<why>)`.
 */
export function findViolations(files: Map<string, string>): string[] {
  const violations: string[] = [];
  for (const [file, source] of files) {
    const room = roomOf(file) as Room;
    const rule = RULES[room];
    if (!rule) {
      violations.push(`${file}: lives outside the rooms (${Object.keys(RULES).join(', ')})`);
      continue;
    }
    for (const specifier of importsOf(source)) {
      let why: string | undefined;
      if (specifier.startsWith('.')) {
        const target = posix.normalize(posix.join(posix.dirname(file), specifier));
        const targetRoom = roomOf(target);
        if (target.startsWith('..')) why = 'reaches outside src/';
        else if (!rule.rooms.includes(targetRoom as Room)) why = `${room} may not import ${targetRoom}`;
      } else if (specifier.startsWith('node:') || BUILTINS.has(specifier)) {
        continue;
      } else if (!rule.packages.includes(packageName(specifier))) {
        why = `${room} may not use the package '${packageName(specifier)}'`;
      }
      if (why) violations.push(`${file}: import '${specifier}' (${why})`);
    }
  }
  return violations;
}

function sourcesUnder(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mts|cts|js|mjs)$/.test(entry.name)) {
        files.set(relative(root, path).split(sep).join('/'), readFileSync(path, 'utf8'));
      }
    }
  };
  walk(root);
  return files;
}


/** The pure decision cores: they may import their own folder and src/shared, nothing else (no node: either). */
const PURE_CORES = ['sentinel/core/', 'server/fencing/core/', 'server/cluster/core/'];

/** Import edges between files under src/ (targets resolved, .js written for .ts), with whether the import is type-only. */
export interface Edge {
  from: string;
  to: string;
  specifier: string;
  typeOnly: boolean;
  dynamic: boolean;
}

/** Every relative import of every file, resolved to the file it names. */
export function edgesOf(files: Map<string, string>): Edge[] {
  const edges: Edge[] = [];
  for (const [file, source] of files) {
    const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
    const statics = /\b(import|export)\s([^'"`;]*?)\bfrom\s*['"](\.[^'"]+)['"]/g;
    for (const match of code.matchAll(statics)) {
      const clause = match[2]!.trim();
      // `import type {..}`, `export type {..}`, or braces holding only `type X` names.
      const braces = /^\{([\s\S]*)\}$/.exec(clause);
      const typeOnly = clause.startsWith('type ') || (braces !== null && braces[1]!.split(',').every((name) => name.trim() === '' || name.trim().startsWith('type ')));
      edges.push({ from: file, to: resolveTarget(file, match[3]!), specifier: match[3]!, typeOnly, dynamic: false });
    }
    for (const match of code.matchAll(/\bimport\s*['"](\.[^'"]+)['"]/g)) {
      edges.push({ from: file, to: resolveTarget(file, match[1]!), specifier: match[1]!, typeOnly: false, dynamic: false });
    }
    for (const match of code.matchAll(/\bimport\s*\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
      edges.push({ from: file, to: resolveTarget(file, match[1]!), specifier: match[1]!, typeOnly: false, dynamic: true });
    }
  }
  return edges;
}

function resolveTarget(file: string, specifier: string): string {
  return posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.js$/, '.ts');
}

/** Pure cores that import outside themselves and shared (or any node: module or package). */
export function findImpureCores(files: Map<string, string>): string[] {
  const bad: string[] = [];
  for (const [file, source] of files) {
    const core = PURE_CORES.find((prefix) => file.startsWith(prefix));
    if (!core) continue;
    for (const specifier of importsOf(source)) {
      const target = specifier.startsWith('.') ? resolveTarget(file, specifier) : undefined;
      if (target !== undefined && (target.startsWith(core) || target.startsWith('shared/'))) continue;
      bad.push(`${file}: import '${specifier}' (a pure core imports only itself and shared)`);
    }
  }
  return bad;
}

/** Lower server layers importing a handler; main.ts may import the command table only. */
export function findHandlerImports(edges: Edge[]): string[] {
  return edges
    .filter(({ from, to }) => from.startsWith('server/') && !from.startsWith('server/commands/') && to.startsWith('server/commands/'))
    .filter(({ from, to }) => !(from === 'server/main.ts' && to === 'server/commands/registry.ts'))
    .map(({ from, specifier }) => `${from}: import '${specifier}' (a lower layer imports a command handler)`);
}

/** Strongly connected groups of two or more files (or a file importing itself) over static, non-type imports. */
export function findRuntimeCycles(edges: Edge[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const edge of edges) {
    if (edge.typeOnly || edge.dynamic) continue;
    if (!graph.has(edge.from)) graph.set(edge.from, []);
    graph.get(edge.from)!.push(edge.to);
  }
  // Tarjan's algorithm, iteratively deep enough for src/ (recursion depth = longest import chain).
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    indexOf.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indexOf.get(next)!));
      }
    }
    if (low.get(node) !== indexOf.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(group.sort());
  };
  for (const node of graph.keys()) if (!indexOf.has(node)) visit(node);
  return cycles;
}

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

describe('architecture', () => {
  const files = sourcesUnder(SRC);
  const edges = edgesOf(files);

  it('no file under src/ crosses a forbidden edge between rooms', () => {
    expect(files.size).toBeGreaterThan(10);
    expect(findViolations(files)).toEqual([]);
  });

  it('the pure decision cores import nothing but themselves and shared', () => {
    for (const core of PURE_CORES) expect([...files.keys()].some((file) => file.startsWith(core)), core).toBe(true);
    expect(findImpureCores(files)).toEqual([]);
  });

  it('no lower server layer imports a command handler', () => {
    expect(edges.some(({ from, to }) => from === 'server/main.ts' && to === 'server/commands/registry.ts')).toBe(true);
    expect(findHandlerImports(edges)).toEqual([]);
  });

  it('src has no runtime import cycle', () => {
    expect(edges.filter((edge) => !edge.typeOnly).length).toBeGreaterThan(100);
    expect(findRuntimeCycles(edges)).toEqual([]);
  });

  it('the scanner finds every import form', () => {
    const source = [
      "import { a } from './a.js';",
      "import type {\n  B,\n} from '../shared/b.js';",
      "export { c } from './c.js';",
      "import './side-effect.js';",
      "const d = await import('../cli/d.js');",
      "type E = import('node:net').Socket;",
      "const f = require('ioredis');",
      "// import { ignored } from '../cli/comment.js';",
      "/* import { ignored } from '../cli/block.js'; */",
      "const url = 'http://example.com'; // not an import",
    ].join('\n');
    expect(importsOf(source)).toEqual(
      expect.arrayContaining(['./a.js', '../shared/b.js', './c.js', './side-effect.js', '../cli/d.js', 'node:net', 'ioredis']),
    );
    expect(importsOf(source)).toHaveLength(7);
  });

  it('reports the file and the import of each forbidden edge', () => {
    const bad = new Map([
      ['shared/resp/x.ts', "import { Server } from '../../server/server.js';"],
      ['server/y.ts', "import { Redis } from 'ioredis';\nimport { s } from '../sentinel/main.js';\nimport { ok } from '../shared/log.js';"],
      ['sentinel/z.ts', "import { Redis } from 'ioredis';\nimport { execute } from '../server/dispatch.js';"],
      ['cli/w.ts', "import { execa } from 'execa';\nimport { main } from '../sentinel/main.js';\nimport { readFileSync } from 'fs';"],
      ['cli/v.ts', "import pkg from '../../package.json';"],
    ]);
    expect(findViolations(bad)).toEqual([
      "shared/resp/x.ts: import '../../server/server.js' (shared may not import server)",
      "server/y.ts: import 'ioredis' (server may not use the package 'ioredis')",
      "server/y.ts: import '../sentinel/main.js' (server may not import sentinel)",
      "sentinel/z.ts: import '../server/dispatch.js' (sentinel may not import server)",
      "cli/w.ts: import '../sentinel/main.js' (cli may not import sentinel)",
      "cli/v.ts: import '../../package.json' (reaches outside src/)",
    ]);
  });

  it('reports impure cores, handler imports and runtime cycles, and lets type-only imports pass', () => {
    const sample = new Map([
      ['sentinel/core/a.ts', "import { x } from './b.js';\nimport { setTimeout } from 'node:timers';\nimport { io } from '../io/links.js';"],
      ['server/fencing/core/c.ts', "import { HELLO } from '../../../shared/fencing-contract.js';"],
      ['server/net/conn.ts', "import { execute } from '../request/dispatch.js';\nimport { get } from '../commands/strings/strings.js';"],
      ['server/request/dispatch.ts', "import type { Server } from '../server.js';\nimport { conn } from '../net/conn.js';"],
      ['server/server.ts', "import { type Db, type Client } from './db.js';\nimport { run } from './request/dispatch.js';"],
      ['server/db.ts', "import type { Server } from './server.js';"],
      ['server/main.ts', "import { buildCommandTable } from './commands/registry.js';"],
    ]);
    expect(findImpureCores(sample)).toEqual([
      "sentinel/core/a.ts: import 'node:timers' (a pure core imports only itself and shared)",
      "sentinel/core/a.ts: import '../io/links.js' (a pure core imports only itself and shared)",
    ]);
    const sampleEdges = edgesOf(sample);
    expect(findHandlerImports(sampleEdges)).toEqual(["server/net/conn.ts: import '../commands/strings/strings.js' (a lower layer imports a command handler)"]);
    expect(findRuntimeCycles(sampleEdges)).toEqual([['server/net/conn.ts', 'server/request/dispatch.ts']]);
  });
});
