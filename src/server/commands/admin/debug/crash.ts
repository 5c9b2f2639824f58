// DEBUG SEGFAULT / PANIC / ASSERT / OOM / LEAK (Redis 7.0 debug.c): what operators and test suites use
// to make a node die the way a crashing redis-server dies. Each logs what Redis logs first, then ends
// the process by the same signal: SIGSEGV for a segfault (the crash report re-raises the signal it
// caught: bugReportEnd), SIGABRT for a panic, a failed assertion (bugReportEnd without a signal
// aborts) and an allocation that fails (zmalloc's OOM handler aborts). No cleanup runs and no RDB
// is saved: a crash is a crash.

import type { Server } from '../../../server.js';
import { REDIS_COMPAT_VERSION } from '../../../base/version.js';
import { clock } from '../../../base/clock.js';

export type CrashKind = 'segfault' | 'panic' | 'assert' | 'oom';

export function crash(server: Server, kind: CrashKind): never {
  const log = server.log;
  switch (kind) {
    case 'segfault':
      log.warning(`Redis ${REDIS_COMPAT_VERSION} crashed by signal: 11, si_code: 1 (DEBUG SEGFAULT)`);
      break;
    case 'panic':
      log.warning('------------------------------------------------');
      log.warning('!!! Software Failure. Press left mouse button to continue');
      log.warning(`Guru Meditation: DEBUG PANIC called at Unix time ${Math.floor(clock.now() / 1000)} #debug.c`);
      break;
    case 'assert':
      log.warning('=== ASSERTION FAILED ===');
      log.warning("==> debug.c '1 == 2' is not true");
      break;
    case 'oom':
      log.warning('Out Of Memory allocating 18446744073709551615 bytes!');
      break;
  }
  log.warning('DEBUG crash: the node stops now without saving, as a crashed redis-server does.');
  // The signal is delivered at once; should anything have caught it, abort() still ends it.
  if (kind === 'segfault') process.kill(process.pid, 'SIGSEGV');
  process.abort();
}

/** DEBUG LEAK <string>: keeps a copy of the string for the life of the process (a memory leak). */
const leaked: string[] = [];
export function leak(text: string): void {
  leaked.push(text.slice());
}
