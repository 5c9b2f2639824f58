// RDB files on disk: where the file is, the synchronous save (SAVE, SHUTDOWN, DEBUG RELOAD), the
// background save (BGSAVE, save points) and reading a file back. Saves go to a temp file that is
// fsynced and then renamed over the target, so a crash mid-save leaves the previous file intact.

import { closeSync, fsync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, write, writeSync, close, rename } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Server } from '../server.js';
import type { ReplicationAux } from './aux.js';
import { startSnapshot, type SnapshotHandle, type SnapshotStats } from './snapshot.js';
import { writeRdbSync } from './snapshot-sync.js';

/** `dir/dbfilename`; a relative `dir` is the process's cwd (main.ts chdirs into it, like Redis). */
export function rdbPath(server: Server): string {
  const dir = server.config.str('dir');
  const file = server.config.str('dbfilename');
  return isAbsolute(dir) ? join(dir, file) : file;
}

let tempCounter = 0;

function tempPathFor(path: string, kind: string): string {
  return join(dirname(path), `temp-${kind}-${process.pid}-${++tempCounter}.rdb`);
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Never created or already gone.
  }
}

/** Makes the rename durable (Redis 7.0 fsyncs the directory after renaming the RDB). */
function fsyncDirQuietly(path: string): void {
  try {
    const fd = openSync(dirname(path), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the rename itself is still atomic.
  }
}

/** Saves the whole keyspace to `path` now, blocking (Redis rdbSave). Throws on I/O errors. */
export function saveRdbFileSync(server: Server, path: string, aux?: ReplicationAux): { keys: number; bytes: number } {
  const temp = tempPathFor(path, 'save');
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'w');
    const target = fd;
    const result = writeRdbSync(server, (chunk) => writeAllSync(target, chunk), aux);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
    fsyncDirQuietly(path);
    return result;
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    removeQuietly(temp);
    throw error;
  }
}

export function writeAllSync(fd: number, chunk: Buffer): void {
  let offset = 0;
  while (offset < chunk.length) offset += writeSync(fd, chunk, offset, chunk.length - offset);
}

export function writeAll(fd: number, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const from = (offset: number): void => {
      write(fd, chunk, offset, chunk.length - offset, null, (error, written) => {
        if (error) reject(error);
        else if (offset + written < chunk.length) from(offset + written);
        else resolve();
      });
    };
    from(0);
  });
}

export interface FileSaveCallbacks {
  onDone(stats: SnapshotStats): void;
  onError(error: Error): void;
}

/**
 * Starts a point-in-time save of the keyspace as it is now, produced in slices (BGSAVE). The
 * file is complete and renamed into place before onDone. cancel() stops it and removes the temp file.
 */
export function startFileSave(
  server: Server,
  path: string,
  callbacks: FileSaveCallbacks,
  aux?: ReplicationAux,
): { handle: SnapshotHandle; tempPath: string; cancel(): void } {
  const temp = tempPathFor(path, 'bgsave');
  const fd = openSync(temp, 'w');
  let closed = false;
  let cancelled = false;
  const closeFd = (): void => {
    if (closed) return;
    closed = true;
    try {
      closeSync(fd);
    } catch {
      // Already closed.
    }
  };
  const failed = (error: Error): void => {
    closeFd();
    removeQuietly(temp);
    if (!cancelled) callbacks.onError(error);
  };
  // After the last chunk: fsync, close, rename over the target, fsync the directory.
  const complete = (stats: SnapshotStats): void => {
    fsync(fd, (syncError) => {
      if (cancelled) return;
      if (syncError) return failed(syncError);
      closed = true;
      close(fd, (closeError) => {
        if (cancelled || closeError) return failed(closeError ?? new Error('save cancelled'));
        rename(temp, path, (renameError) => {
          if (renameError) return failed(renameError);
          if (cancelled) return;
          fsyncDirQuietly(path);
          callbacks.onDone(stats);
        });
      });
    });
  };
  const handle = startSnapshot(server, {
    aux,
    onChunk: (chunk) => writeAll(fd, chunk),
    onError: failed,
    onDone: complete,
  });
  return {
    handle,
    tempPath: temp,
    cancel: () => {
      cancelled = true;
      handle.abort();
      closeFd();
      removeQuietly(temp);
    },
  };
}

export function readRdbFile(path: string): Buffer {
  return readFileSync(path);
}
