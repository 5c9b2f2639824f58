// The architecture rule for the CLI: src/cli imports src/shared and packages, never src/server or
// src/sentinel (nodes and sentinels are processes started through bin/, which makes engine: redis a
// drop-in). src/shared imports nothing of the other rooms.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function forbiddenImports(room: string, allowed: string[]): string[] {
  const bad: string[] = [];
  for (const file of files(join(SRC, room))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
      const target = relative(SRC, resolve(dirname(file), match[1]!)).split('/')[0]!;
      if (!allowed.includes(target)) bad.push(`${relative(SRC, file)} -> ${match[1]}`);
    }
  }
  return bad;
}

describe('architecture', () => {
  it('src/cli imports only src/cli and src/shared', () => {
    expect(forbiddenImports('cli', ['cli', 'shared'])).toEqual([]);
  });

  it('src/shared imports only src/shared', () => {
    expect(forbiddenImports('shared', ['shared'])).toEqual([]);
  });
});
