// Owns the lock that keeps a second process off our nodes.conf (cluster.c clusterLockConfig). Redis
// holds an flock on nodes.conf itself; Node has no flock, and our saves rename a new file over the
// old one (which would replace a locked inode), so the lock is a separate file, `<nodes.conf>.lock`,
// created exclusively and naming its holder: pid and process start time. A lock whose holder is no
// longer running (a crash, kill -9) is taken over; the start time tells a reused pid from the holder.
// Released when the process exits.

import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

export class NodesConfLockError extends Error {}

/** Start time of a process in clock ticks since boot (/proc/<pid>/stat field 22), '' when unknown. */
function startTimeOf(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? '';
  } catch {
    return '';
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A killed holder nobody has reaped yet (its parent exited: an orphan waits for init) still
    // answers kill 0 as a zombie, but holds nothing, as the flock Redis uses is gone with it.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the holder a lock file names still runs (the same process, not a reuse of its pid). */
function holderAlive(content: string): boolean {
  const [pidText, started = ''] = content.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  if (!running(pid)) return false;
  const now = startTimeOf(pid);
  return started === '' || now === '' || now === started;
}

/** The message Redis logs when another node holds the file. */
export function alreadyUsedMessage(configFile: string): string {
  return (
    `Sorry, the cluster configuration file ${configFile} is already used by a different Redis Cluster node. ` +
    'Please make sure that different nodes use different cluster configuration files.'
  );
}

/**
 * Takes the lock for `configFile` or throws NodesConfLockError with Redis's wording. The lock is
 * held until the process exits.
 */
export function lockNodesConf(configFile: string): void {
  const lockPath = `${configFile}.lock`;
  const mine = `${process.pid} ${startTimeOf(process.pid)}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, 'wx', 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new NodesConfLockError(`Can't open ${lockPath} in order to acquire a lock: ${(error as Error).message}`);
      }
      let content = '';
      try {
        content = readFileSync(lockPath, 'utf8');
      } catch {
        // Removed meanwhile: try again.
      }
      if (holderAlive(content)) throw new NodesConfLockError(alreadyUsedMessage(configFile));
      try {
        unlinkSync(lockPath);
      } catch {
        // Another starter removed the stale lock first: the next attempt decides.
      }
      continue;
    }
    writeSync(fd, mine);
    closeSync(fd);
    process.once('exit', () => {
      try {
        if (readFileSync(lockPath, 'utf8') === mine) unlinkSync(lockPath);
      } catch {
        // Already gone.
      }
    });
    return;
  }
  throw new NodesConfLockError(alreadyUsedMessage(configFile));
}
