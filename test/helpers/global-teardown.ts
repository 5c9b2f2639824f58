// Integration global setup/teardown: every process a test starts records its pid in a folder made
// here; at the end anything still alive from that list is killed (by pid, only what we started).

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'clusterctl-test-pids-'));
  process.env.CLUSTERCTL_TEST_PID_DIR = dir;
  return () => {
    for (const name of readdirSync(dir)) {
      const pid = Number(name);
      if (!Number.isInteger(pid)) continue;
      // A zombie has exited already; only its parent (or init) can reap it: nothing to kill.
      if (isZombie(pid)) continue;
      try {
        process.kill(pid, 'SIGKILL');
        process.stderr.write(`global teardown: killed leftover process ${pid}\n`);
      } catch {
        // Already gone: the test cleaned up after itself.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

function isZombie(pid: number): boolean {
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."; comm may hold spaces, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}
