// Loading the multi-part AOF at start (Redis aof.c loadAppendOnlyFiles + loadSingleAppendOnlyFile):
// the base file (an RDB with aof-base 1, or AOF commands), then every incremental file in manifest
// order, commands run by a client of their own as Redis's fake AOF client. A torn tail of the LAST
// file is cut off and loading goes on under aof-load-truncated yes; anything else wrong is fatal,
// with Redis's log lines. Also the upgrade of a pre-7.0 single `appendonly.aof` in `dir`.

import { existsSync, readFileSync, renameSync, statSync, truncateSync } from 'node:fs';
import type { Server } from '../../server.js';
import { clock } from '../../base/clock.js';
import { Client } from '../../clients/client.js';
import { call, resolveCommand } from '../../request/dispatch.js';
import { ErrorReply } from '../../../shared/resp/reply.js';
import { loadRdbBuffer } from '../load.js';
import { AofCommandReader } from './command-reader.js';
import { aofDir, aofFilename, aofPath, ensureAofDir, persistManifest } from './files.js';
import { emptyManifest, ManifestError, manifestName, parseManifest, type Manifest } from './manifest.js';

/** Redis's AOF_OK, AOF_NOT_EXIST, AOF_EMPTY, AOF_OPEN_ERR, AOF_FAILED, AOF_TRUNCATED. */
export type AofLoadStatus = 'ok' | 'not-exist' | 'empty' | 'open-err' | 'failed' | 'truncated';

/** A fatal start-up problem already logged Redis's way; main.ts exits with status 1. */
export class AofFatalError extends Error {}

const NULL_SINK = { push: () => {}, close: () => {}, resume: () => {} };

/**
 * The manifest in `appenddirname`, or an empty one when the directory or the manifest do not
 * exist (aofLoadManifestFromDisk). A malformed manifest is fatal, logged as Redis logs it.
 */
export function loadManifestFromDisk(server: Server): Manifest {
  const path = aofPath(server, manifestName(aofFilename(server)));
  if (!existsSync(aofDir(server)) || !existsSync(path)) return emptyManifest();
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch (error) {
    const message = `Fatal error: can't open the AOF manifest file ${path} for reading: ${(error as Error).message}`;
    server.log.warning(message);
    throw new AofFatalError(message);
  }
  try {
    return parseManifest(text);
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    server.log.warning('\n*** FATAL AOF MANIFEST FILE ERROR ***\n');
    if (error.line !== undefined) {
      server.log.warning(`Reading the manifest file, at line ${error.lineNumber}\n`);
      server.log.warning(`>>> '${error.line}'\n`);
    }
    server.log.warning(`${error.message}\n`);
    throw new AofFatalError(`AOF manifest error: ${error.message}`);
  }
}

/**
 * Loads base + incremental files (loadAppendOnlyFiles). Returns the status and, when loaded, the
 * sizes INFO reports (aof_current_size = every file, aof_base_size = the base at start).
 */
export function loadAppendOnlyFiles(server: Server, manifest: Manifest): { status: AofLoadStatus; totalSize: number; baseSize: number } {
  upgradeOldStyleIfNeeded(server, manifest);
  const files = [...(manifest.base ? [manifest.base] : []), ...manifest.incrs];
  if (files.length === 0) return { status: 'not-exist', totalSize: 0, baseSize: 0 };
  let totalSize = 0;
  for (const file of files) {
    try {
      totalSize += statSync(aofPath(server, file.name)).size;
    } catch (error) {
      server.log.warning(`Unable to obtain the AOF file ${file.name} length. stat: ${(error as Error).message}`);
      // A file the manifest lists but the disk lacks is fatal (AOF_NOT_EXIST -> AOF_FAILED).
      return { status: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'failed' : 'open-err', totalSize: 0, baseSize: 0 };
    }
  }
  if (totalSize === 0) return { status: 'empty', totalSize: 0, baseSize: 0 };
  let baseSize = 0;
  let status: AofLoadStatus = 'ok';
  server.loading = true;
  try {
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      const isBase = file === manifest.base;
      const last = i === files.length - 1;
      if (isBase) baseSize = statSync(aofPath(server, file.name)).size;
      const started = clock.now();
      status = loadSingleAppendOnlyFile(server, file.name);
      if (status === 'ok' || (status === 'truncated' && last)) {
        const seconds = ((clock.now() - started) / 1000).toFixed(3);
        server.log.notice(`DB loaded from ${isBase ? 'base' : 'incr'} file ${file.name}: ${seconds} seconds`);
      }
      // Data is known to exist (totalSize > 0): an empty incremental file is fine.
      if (status === 'empty' && !isBase) status = 'ok';
      if (status === 'truncated' && !last) {
        status = 'failed';
        server.log.warning('Fatal error: the truncated file is not the last file');
      }
      if (status === 'open-err' || status === 'failed') return { status, totalSize, baseSize };
    }
  } finally {
    server.loading = false;
  }
  return { status, totalSize, baseSize };
}

/**
 * A pre-7.0 `appendonly.aof` in `dir` becomes the base of a new manifest and moves into the AOF
 * directory (aofUpgradePrepare), in the three situations Redis checks.
 */
function upgradeOldStyleIfNeeded(server: Server, manifest: Manifest): void {
  const filename = aofFilename(server);
  if (!existsSync(filename)) return;
  const noDir = !existsSync(aofDir(server));
  const noFiles = !manifest.base && manifest.incrs.length === 0;
  const halfDone = manifest.base?.name === filename && manifest.incrs.length === 0 && !existsSync(aofPath(server, filename));
  if (!noDir && !noFiles && !halfDone) return;
  try {
    ensureAofDir(server);
  } catch (error) {
    const message = `Can't open or create append-only dir ${server.config.str('appenddirname')}: ${(error as Error).message}`;
    server.log.warning(message);
    throw new AofFatalError(message);
  }
  manifest.base = { name: filename, seq: 1, type: 'b' };
  manifest.baseSeq = 1;
  persistManifest(server, manifest);
  try {
    renameSync(filename, aofPath(server, filename));
  } catch (error) {
    const message = `Error trying to move the old AOF file ${filename} into dir ${server.config.str('appenddirname')}: ${(error as Error).message}`;
    server.log.warning(message);
    throw new AofFatalError(message);
  }
  server.log.notice(`Successfully migrated an old-style AOF file (${filename}) into the AOF directory (${server.config.str('appenddirname')}).`);
}

/** The client AOF commands run as (Redis createAOFClient): no connection, no ACL user, never listed. */
function aofClient(): Client {
  const client = new Client('', '', NULL_SINK, false);
  client.authenticated = true;
  client.user = null;
  // Redis never expires keys while loading (keyIsExpired returns 0 when server.loading): a client
  // marked as our master sees expired keys as present (Db.peek), which is that rule here.
  client.isMaster = true;
  return client;
}

/** One file of the AOF (loadSingleAppendOnlyFile), with Redis's log lines and statuses. */
export function loadSingleAppendOnlyFile(server: Server, name: string): AofLoadStatus {
  const path = aofPath(server, name);
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      server.log.warning(`The append log file ${name} doesn't exist: ${(error as Error).message}`);
      return 'not-exist';
    }
    server.log.warning(`Fatal error: can't open the append log file ${name} for reading: ${(error as Error).message}`);
    return 'open-err';
  }
  if (data.length === 0) return 'empty';

  let start = 0;
  if (data.length >= 5 && data.toString('latin1', 0, 5) === 'REDIS') {
    // An RDB base file, or an old-style file with an RDB preamble and an AOF tail after it.
    const oldStyle = name === aofFilename(server);
    server.log.notice(oldStyle ? 'Reading RDB preamble from AOF file...' : 'Reading RDB base file on AOF loading...');
    try {
      // Keys already expired are kept (rdbLoad skips them only outside RDBFLAGS_AOF_PREAMBLE), and
      // the repl-* aux fields are not restored: Redis restores them from a plain RDB only.
      start = loadRdbBuffer(server, data, { keepExpired: true }).end;
    } catch (error) {
      server.log.warning(`${(error as Error).message}`);
      server.log.warning(
        oldStyle
          ? `Error reading the RDB preamble of the AOF file ${name}, AOF loading aborted`
          : `Error reading the RDB base file ${name}, AOF loading aborted`,
      );
      // Redis: a short read of the RDB is handled as an unexpected end of file only when the
      // stream hit EOF; a corrupt RDB is a plain failure. Either way the base cannot be cut.
      return 'failed';
    }
    if (oldStyle) server.log.notice('Reading the remaining AOF tail...');
  }
  return runCommands(server, name, path, data, start);
}

function runCommands(server: Server, name: string, path: string, data: Buffer, start: number): AofLoadStatus {
  const client = aofClient();
  const reader = new AofCommandReader(data, start);
  const truncatedAllowed = server.config.bool('aof-load-truncated');
  let validUpTo = start;
  let validBeforeMulti = start;
  const previousClient = server.currentClient;
  try {
    for (;;) {
      const next = reader.next();
      if (next === 'eof') break;
      if (next === 'format') {
        server.log.warning(
          `Bad file format reading the append only file ${name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`,
        );
        return 'failed';
      }
      if (next === 'truncated') return unexpectedEof(server, name, path, validUpTo, truncatedAllowed);
      const resolved = resolveCommand(server, next);
      if (resolved instanceof ErrorReply) {
        server.log.warning(`Unknown command '${next[0]}' reading the append only file ${name}`);
        return 'failed';
      }
      if (resolved.fullName === 'multi') validBeforeMulti = validUpTo;
      if (client.multi !== null && resolved.fullName !== 'exec') {
        // Queued as a MULTI client queues (queueMultiCommand): run at EXEC.
        client.multi.push({ args: next, spec: resolved.spec, fullName: resolved.fullName });
      } else {
        call(server, client, resolved.spec, resolved.fullName, next);
      }
      validUpTo = reader.pos;
    }
    // A clean end inside MULTI: the unfinished transaction is cut off like a torn tail.
    if (client.multi !== null) {
      server.log.warning(`Revert incomplete MULTI/EXEC transaction in AOF file ${name}`);
      client.multi = null;
      return unexpectedEof(server, name, path, validBeforeMulti, truncatedAllowed);
    }
    return 'ok';
  } finally {
    server.currentClient = previousClient;
    client.multi = null;
  }
}

/** Redis's uxeof: cut the file at the last whole command under aof-load-truncated, else fail. */
function unexpectedEof(server: Server, name: string, path: string, validUpTo: number, allowed: boolean): AofLoadStatus {
  if (allowed) {
    server.log.warning(`!!! Warning: short read while loading the AOF file ${name}!!!`);
    server.log.warning(`!!! Truncating the AOF ${name} at offset ${validUpTo} !!!`);
    try {
      truncateSync(path, validUpTo);
      server.log.warning(`AOF ${name} loaded anyway because aof-load-truncated is enabled`);
      return 'truncated';
    } catch (error) {
      server.log.warning(`Error truncating the AOF file ${name}: ${(error as Error).message}`);
    }
  }
  server.log.warning(
    `Unexpected end of file reading the append only file ${name}. You can: ` +
      '1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. ' +
      "2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.",
  );
  return 'failed';
}
