// When is a freshly started node ready? When its log (from where this start began) says
// "Ready to accept connections" (redis-server and clusterctl-node log the same line) AND it answers
// PING. Fails fast when the process exits first, and at the deadline otherwise. A clusterctl-node
// master that restarted empty after serving data answers PING -EMPTYRESTART (it wants the sentinels
// to fail it over, server/replication/empty-restart/): it is up, and ready to be told what to do.

import { call } from '../probe/client.js';
import { sleep } from '../util/sleep.js';
import { readFrom } from '../util/files.js';

const READY_LINE = /Ready to accept connections/;
/** Poll often: a node is usually ready within tens of milliseconds. */
const POLL_MS = 15;

export type ReadyOutcome = { ready: true } | { ready: false; reason: 'exited' | 'timeout'; detail: string };

export async function waitReady(options: {
  port: number;
  /** False when the node's loglevel hides the ready line (it is a NOTICE): PING alone decides. */
  expectLine: boolean;
  logFile: string;
  logOffset: number;
  deadline: number;
  hasExited: () => boolean;
  exitDetail: () => string;
}): Promise<ReadyOutcome> {
  let logged = !options.expectLine;
  for (;;) {
    if (options.hasExited()) return { ready: false, reason: 'exited', detail: options.exitDetail() };
    if (!logged) logged = READY_LINE.test(readFrom(options.logFile, options.logOffset));
    if (logged && (await answersPing(options.port))) return { ready: true };
    if (Date.now() >= options.deadline) {
      return { ready: false, reason: 'timeout', detail: logged ? 'logged ready but does not answer PING' : 'never logged "Ready to accept connections"' };
    }
    await sleep(POLL_MS);
  }
}

async function answersPing(port: number): Promise<boolean> {
  try {
    return (await call(port, ['PING'], { timeoutMs: 300 })) === 'PONG';
  } catch (error) {
    return (error as Error).message.startsWith('EMPTYRESTART');
  }
}
