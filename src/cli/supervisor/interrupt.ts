// Ctrl-C (SIGINT), SIGTERM or SIGHUP while a command starts processes (`up`, `add-shard`): the
// command's clean-up runs (stop what it started, or undo it all), the lock is released, and the
// command exits 130 (with an error object under --json). A second signal while cleaning up kills
// what was started at once; the clean-up then finishes without waiting for them.

import { EXIT } from '../errors.js';
import type { Supervisor } from './supervisor.js';

export interface InterruptPlan {
  json: boolean;
  /** The line printed (without --json) when the first signal arrives. */
  announce: (signal: NodeJS.Signals) => string;
  cleanUp: () => Promise<void>;
  release: () => void;
}

/** Installs the handlers; returns their removal. */
export function exitOnInterrupt(supervisor: Supervisor, plan: InterruptPlan): () => void {
  const handler = (signal: NodeJS.Signals) => {
    if (supervisor.interrupted) {
      void supervisor.killStarted();
      return;
    }
    supervisor.interrupted = true;
    if (!plan.json) process.stderr.write(`\n✖ ${plan.announce(signal)}\n`);
    void plan
      .cleanUp()
      .catch((error) => process.stderr.write(`✖ ${(error as Error).message}\n`))
      .finally(() => {
        plan.release();
        if (plan.json) process.stdout.write(`${JSON.stringify({ error: { message: `interrupted by ${signal}`, code: 'INTERRUPTED', exit: EXIT.INTERRUPTED } }, null, 2)}\n`);
        process.exit(EXIT.INTERRUPTED);
      });
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
