// One clusterctl at a time changes a cluster: a lock file holding the owner's pid and start time.
// A lock whose owner is gone (crashed, killed) is taken over instead of blocking forever.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CliError, EXIT } from '../errors.js';
import { liveness, processInfo } from '../proc/proc.js';

export function acquireLock(lockFile: string, cluster: string): () => void {
  mkdirSync(dirname(lockFile), { recursive: true });
  const me = processInfo(process.pid);
  const content = JSON.stringify({ pid: process.pid, startTime: me?.startTime ?? null });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, content, { flag: 'wx' });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(lockFile);
      const state = owner ? liveness(owner.pid, owner.startTime) : 'gone';
      if (state === 'running' || state === 'paused') {
        throw new CliError(`another clusterctl (pid ${owner!.pid}) is changing cluster "${cluster}" right now`, {
          exit: EXIT.FAILED,
          code: 'LOCKED',
          suggestion: 'Wait for it to finish, then try again.',
        });
      }
      rmSync(lockFile, { force: true }); // Its owner is gone: a leftover from a crash.
    }
  }
  throw new CliError(`could not lock cluster "${cluster}" (${lockFile})`);
}

function readOwner(lockFile: string): { pid: number; startTime: number | null } | undefined {
  try {
    return JSON.parse(readFileSync(lockFile, 'utf8'));
  } catch {
    return undefined;
  }
}
