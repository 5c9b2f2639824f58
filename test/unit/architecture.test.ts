// The rooms of docs architecture.md, enforced: scans every import under src/ and fails naming the
// file and the import for a forbidden edge. shared imports no other room; server imports shared
// only (its replica link speaks raw RESP, no client library); sentinel imports shared and may use
// ioredis, never server; cli imports shared and starts nodes through bin/, never their code.

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
  server: { rooms: ['server', 'shared'], packages: [] },
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

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

describe('architecture rooms', () => {
  it('no file under src/ crosses a forbidden edge', () => {
    const files = sourcesUnder(SRC);
    expect(files.size).toBeGreaterThan(10);
    expect(findViolations(files)).toEqual([]);
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
    const files = new Map([
      ['shared/resp/x.ts', "import { Server } from '../../server/server.js';"],
      ['server/y.ts', "import { Redis } from 'ioredis';\nimport { s } from '../sentinel/main.js';\nimport { ok } from '../shared/log.js';"],
      ['sentinel/z.ts', "import { Redis } from 'ioredis';\nimport { execute } from '../server/dispatch.js';"],
      ['cli/w.ts', "import { execa } from 'execa';\nimport { main } from '../sentinel/main.js';\nimport { readFileSync } from 'fs';"],
      ['cli/v.ts', "import pkg from '../../package.json';"],
    ]);
    expect(findViolations(files)).toEqual([
      "shared/resp/x.ts: import '../../server/server.js' (shared may not import server)",
      "server/y.ts: import 'ioredis' (server may not use the package 'ioredis')",
      "server/y.ts: import '../sentinel/main.js' (server may not import sentinel)",
      "sentinel/z.ts: import '../server/dispatch.js' (sentinel may not import server)",
      "cli/w.ts: import '../sentinel/main.js' (cli may not import sentinel)",
      "cli/v.ts: import '../../package.json' (reaches outside src/)",
    ]);
  });
});
