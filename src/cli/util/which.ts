// Finding a program before trying to start it, so a missing redis-server is one clear message.

import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** The executable `name` resolves to (a path is checked as is), or undefined. */
export function which(name: string): string | undefined {
  const candidates = name.includes('/') || isAbsolute(name)
    ? [resolve(name)]
    : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}
