// `clusterctl lost-writes --replay`: applies the pending ledger commands to the master running now
// (live roles, never state.json alone), SELECTing each command's db, and marks every command that
// succeeded in the owning node's `lost-writes.replayed`, so a second replay never applies it twice.

import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { withClient } from '../../probe/client.js';
import { CliError, EXIT } from '../../errors.js';
import type { RunState } from '../../state/run-state.js';
import { liveCluster } from '../../cluster/live.js';
import { LEDGER_REPLAYED, type LostWrite, type LostWritesReport } from './lost-writes.js';

export interface ReplayTarget {
  node: string;
  port: number;
}

export interface ReplayFailure {
  key: string;
  node: string;
  db: number;
  command: string[];
  /** The node's error reply (e.g. "WRONGTYPE Operation against a key ...") or the connection error. */
  error: string;
}

export interface ReplayOutcome {
  target: ReplayTarget;
  dryRun: boolean;
  /** Commands sent (or, with dryRun, that would be sent), in order. */
  planned: number;
  applied: number;
  failed: ReplayFailure[];
  /** Already replayed earlier: not sent again. */
  skipped: number;
}

/** The one master that runs now, from live INFO. */
export async function currentMaster(state: RunState): Promise<ReplayTarget> {
  const live = await liveCluster(state, 1000);
  const masters = live.filter((n) => n.process === 'running' && n.roleIsLive && n.role === 'master');
  if (masters.length === 1) return { node: masters[0]!.record.name, port: masters[0]!.record.port };
  if (masters.length === 0) {
    throw new CliError(`cluster "${state.name}" has no running master to replay to`, {
      exit: EXIT.NOT_RUNNING,
      code: 'NOT_RUNNING',
      suggestion: 'Start the cluster (`clusterctl up`) or wait for the failover to finish, then replay.',
    });
  }
  throw new CliError(`several nodes say they are master (${masters.map((m) => m.record.name).join(', ')}): not replaying into a split brain`, {
    exit: EXIT.FAILED,
    code: 'SEVERAL_MASTERS',
    suggestion: 'Wait until the cluster has one master again (`clusterctl status`), then replay.',
  });
}

/** Applies `report`'s pending entries to `target` (one connection, in the report's order). */
export async function replayLostWrites(state: RunState, report: LostWritesReport, target: ReplayTarget, dryRun = false): Promise<ReplayOutcome> {
  const pending = report.entries.filter((e) => !e.replayed);
  const outcome: ReplayOutcome = { target, dryRun, planned: pending.length, applied: 0, failed: [], skipped: report.entries.length - pending.length };
  if (dryRun || pending.length === 0) return outcome;
  const dirOf = new Map(state.nodes.map((n) => [n.name, n.dir]));
  const bytes = (arg: string) => Buffer.from(arg, 'latin1');
  try {
    await withClient(
      target.port,
      async (client) => {
        let selected: number | null = null;
        let lost: string | null = null;
        for (const entry of pending) {
          if (lost !== null) {
            outcome.failed.push(failure(entry, `not sent: ${lost}`));
            continue;
          }
          try {
            if (entry.db !== selected) {
              await client.call('SELECT', String(entry.db));
              selected = entry.db;
            }
            await client.call(entry.args[0]!, ...entry.args.slice(1).map(bytes));
          } catch (error) {
            const message = (error as Error).message;
            // A reply error (WRONGTYPE, OOM, ...) is that command's; a dead link or a timeout ends the
            // replay (a timed-out command may have been applied: it stays pending, check it by hand).
            if (client.status !== 'ready' || /timed out/i.test(message)) lost = `the connection failed (${message})`;
            outcome.failed.push(failure(entry, message));
            continue;
          }
          outcome.applied++;
          // Marked at once: a replay cut short (Ctrl-C, a dropped link) resumes where it stopped.
          appendFileSync(join(dirOf.get(entry.node)!, LEDGER_REPLAYED), `${entry.key}\n`);
          entry.replayed = true;
        }
      },
      { timeoutMs: 5000 },
    );
  } catch (error) {
    // Connecting failed: nothing was sent.
    throw new CliError(`${target.node} (port ${target.port}) is not answering: ${(error as Error).message}`, { exit: EXIT.NOT_RUNNING, code: 'NOT_RUNNING' });
  }
  return outcome;
}

function failure(entry: LostWrite, error: string): ReplayFailure {
  return { key: entry.key, node: entry.node, db: entry.db, command: entry.command, error };
}
