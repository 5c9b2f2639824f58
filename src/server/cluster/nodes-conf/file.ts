// Owns nodes.conf on disk: reading it at boot (absent or empty = a fresh node, as
// clusterLoadConfig), and saving it so that a crash leaves either the old file or the new one —
// written to a temporary file in the same directory, fsynced, renamed over nodes.conf, then the
// directory fsynced so the rename itself survives a power loss. (Redis rewrites the file in place
// because it holds an flock on it; we lock a separate file, lock.ts, so the rename is safe.)

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** The file's text, or undefined when it does not exist or is empty (a node to create). */
export function readNodesConf(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return text.length === 0 ? undefined : text;
}

/** Replaces nodes.conf with `text` atomically and durably. Throws on any I/O error. */
export function writeNodesConf(path: string, text: string): void {
  const full = resolve(path);
  const dir = dirname(full);
  const temp = join(dir, `.${basename(full)}.tmp-${process.pid}`);
  const fd = openSync(temp, 'w', 0o644);
  try {
    const data = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < data.length) written += writeSync(fd, data, written, data.length - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // The temporary file is already gone: nothing more to clean.
    }
    throw error;
  }
  closeSync(fd);
  renameSync(temp, full);
  syncDirectory(dir);
}

/** fsync of a directory, so a rename in it is on disk. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (error) {
    // Some filesystems refuse fsync on a directory (EINVAL/EISDIR): the rename stands anyway.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
