// The AOF directory on disk: where `appenddirname` is, writing the manifest atomically (temp file,
// fsync, rename, fsync of the directory: Redis writeAofManifestFile), opening incremental files,
// file sizes, and deleting history files after a rewrite (aofDelHistoryFiles).

import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { writeAllSync } from '../rdb-file.js';
import { isAbsolute, join } from 'node:path';
import type { Server } from '../../server.js';
import { formatManifest, manifestName, tempManifestName, type Manifest } from './manifest.js';

/** `dir/appenddirname`; a relative `dir` is the cwd (main.ts chdirs into it, as Redis does). */
export function aofDir(server: Server): string {
  const dir = server.config.str('dir');
  const name = server.config.str('appenddirname');
  return isAbsolute(dir) ? join(dir, name) : name;
}

/** `dir` itself, where Redis writes the temp base of a rewrite. */
export function workDir(server: Server): string {
  const dir = server.config.str('dir');
  return isAbsolute(dir) ? dir : '.';
}

export function aofFilename(server: Server): string {
  return server.config.str('appendfilename');
}

export function aofPath(server: Server, name: string): string {
  return join(aofDir(server), name);
}

export function ensureAofDir(server: Server): void {
  mkdirSync(aofDir(server), { recursive: true });
}

/** Size of a file in the AOF directory, or undefined when it does not exist. */
export function aofFileSize(server: Server, name: string): number | undefined {
  try {
    return statSync(aofPath(server, name)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function fsyncDir(path: string): void {
  try {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the rename itself is atomic.
  }
}

/** Writes the manifest through a temp file and a rename, so a crash leaves the old or the new one. */
export function persistManifest(server: Server, manifest: Manifest): void {
  const name = aofFilename(server);
  const temp = aofPath(server, tempManifestName(name));
  const fd = openSync(temp, 'w', 0o644);
  try {
    writeAllSync(fd, Buffer.from(formatManifest(manifest), 'latin1'));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, aofPath(server, manifestName(name)));
  fsyncDir(aofDir(server));
}

export function manifestExists(server: Server): boolean {
  return existsSync(aofPath(server, manifestName(aofFilename(server))));
}

/** Opens an incremental file for appending (`truncate`: a new one starts empty). */
export function openIncr(server: Server, name: string, truncate: boolean): number {
  return openSync(aofPath(server, name), truncate ? 'w' : 'a', 0o644);
}

/** Deletes the history files and drops them from the manifest, logging as Redis does. */
export function deleteHistoryFiles(server: Server, manifest: Manifest): void {
  // aof-disable-auto-gc yes keeps them (for inspection); turning it off deletes them then.
  if (manifest.history.length === 0 || server.config.bool('aof-disable-auto-gc')) return;
  for (const info of manifest.history) {
    server.log.notice(`Removing the history file ${info.name} in the background`);
    removeQuietly(aofPath(server, info.name));
  }
  manifest.history = [];
  persistManifest(server, manifest);
}

export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Never created or already gone.
  }
}
