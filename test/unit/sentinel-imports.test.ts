// The architecture rule for the sentinel: src/sentinel imports src/shared and packages, never
// src/server or src/cli; its decision core (src/sentinel/core) imports no I/O at all.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function imports(dir: string): { file: string; target: string }[] {
  return files(dir).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gm)].map((m) => ({ file, target: m[1]! })),
  );
}

describe('sentinel architecture', () => {
  it('src/sentinel imports only src/sentinel and src/shared', () => {
    // The scan sees the imports at all (a broken pattern would pass vacuously).
    expect(imports(join(SRC, 'sentinel')).some(({ target }) => target.includes('shared/resp'))).toBe(true);
    const bad = imports(join(SRC, 'sentinel'))
      .filter(({ target }) => target.startsWith('.'))
      .filter(({ file, target }) => !['sentinel', 'shared'].includes(relative(SRC, resolve(dirname(file), target)).split('/')[0]!))
      .map(({ file, target }) => `${relative(SRC, file)} -> ${target}`);
    expect(bad).toEqual([]);
  });

  it('the decision core touches no sockets, files, timers or other sentinel rooms', () => {
    const bad = imports(join(SRC, 'sentinel', 'core'))
      .filter(({ file, target }) => !target.startsWith('.') || !relative(SRC, resolve(dirname(file), target)).startsWith('sentinel/core/'))
      .map(({ file, target }) => `${relative(SRC, file)} -> ${target}`);
    expect(bad).toEqual([]);
  });
});
