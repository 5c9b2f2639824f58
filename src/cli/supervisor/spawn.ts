// Starting one node process, detached (its own process group: Ctrl-C in the terminal reaches only
// clusterctl, which then stops what it started), with stdout/stderr appended to stdio.log beside
// node.log so that even a config error printed before the log opens is kept.

import { closeSync, openSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { Engine } from '../topology/types.js';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin');
/** bin/clusterctl-node and bin/clusterctl-sentinel of this package (dist/cli/supervisor -> package root). */
export const NODE_BIN = join(BIN, 'clusterctl-node');
export const SENTINEL_BIN = join(BIN, 'clusterctl-sentinel');

export interface SpawnRequest {
  kind: 'node' | 'sentinel';
  engine: Engine;
  /** binaries.server / binaries.sentinel from the topology; '' = the default for the engine. */
  binary: string;
  configFile: string;
  dir: string;
}

export interface Spawned {
  pid: number;
  /** Resolves with the exit code (or signal name) when the process exits while we watch. */
  exited: Promise<string>;
  /** True once the process has exited (as seen by this clusterctl). */
  hasExited: () => boolean;
  command: string;
}

export function commandFor(request: SpawnRequest): { file: string; args: string[] } {
  const sentinel = request.kind === 'sentinel';
  if (request.engine === 'redis') return { file: request.binary || (sentinel ? 'redis-sentinel' : 'redis-server'), args: [request.configFile] };
  return { file: process.execPath, args: [request.binary || (sentinel ? SENTINEL_BIN : NODE_BIN), request.configFile] };
}

export function stdioLogPath(dir: string): string {
  return join(dir, 'stdio.log');
}

export function spawnProcess(file: string, args: string[], dir: string): Spawned {
  const out = openSync(stdioLogPath(dir), 'a');
  let done = false;
  try {
    const child = execa(file, args, {
      cwd: dir,
      detached: true,
      cleanup: false,
      reject: false,
      // A raw descriptor, not execa's { file } target: that one is piped through this process and
      // would break (SIGPIPE) when clusterctl exits. execa's types only list 3..9 as descriptors.
      stdin: 'ignore',
      stdout: out as 3,
      stderr: out as 3,
      env: { ...process.env },
    });
    if (child.pid === undefined) throw new Error(`could not start ${file}`);
    const exited = child.then((result) => {
      done = true;
      return result.signal ?? String(result.exitCode ?? '?');
    });
    child.unref();
    return { pid: child.pid, exited, hasExited: () => done, command: [file, ...args].join(' ') };
  } finally {
    closeSync(out);
  }
}

export function spawnManaged(request: SpawnRequest): Spawned {
  const { file, args } = commandFor(request);
  return spawnProcess(file, args, request.dir);
}
