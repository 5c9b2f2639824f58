// clusterctl lost-writes [NODE] [--replay [--yes] | --dry-run]: list what the nodes' lost-writes
// ledgers hold (deduplicated across nodes), and replay the pending commands to the current master.

import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base.js';
import { CliError, EXIT } from '../errors.js';
import { SELECTOR_HELP } from '../help-text.js';
import type { LostWritesReport } from '../ops/lost-writes/lost-writes.js';
import type { ReplayOutcome } from '../ops/lost-writes/lost-writes-replay.js';

export interface LostWritesResult extends LostWritesReport {
  /** Present with --replay / --dry-run (null when there was nothing to replay or no ledger). */
  replay?: ReplayOutcome | null;
}

export default class LostWrites extends BaseCommand {
  static override summary = "List the writes a demoted node saved to its lost-writes ledger; replay them to the current master.";
  static override description =
    'A builtin node repointed to a master whose history left its own saves the divergent commands to lost-writes.jsonl/.resp in its folder ' +
    'before the full resync erases them. This lists every node\'s ledger (records held by several nodes once, by replid and offset) and, ' +
    'with --replay, applies the pending ones to the master running now, oldest first, each in its db, after a confirmation. ' +
    'Replayed commands are marked (lost-writes.replayed) and never sent twice. Exit 1 when a replayed command failed.';
  static override examples = [
    '<%= config.bin %> lost-writes',
    '<%= config.bin %> lost-writes m1 --json',
    '<%= config.bin %> lost-writes --dry-run',
    '<%= config.bin %> lost-writes --replay --yes',
  ];
  static override args = { node: Args.string({ required: false, description: `Only this node's ledger: ${SELECTOR_HELP}.` }) };
  static override flags = {
    replay: Flags.boolean({ summary: 'Apply the pending commands to the current master (asks first).', default: false }),
    yes: Flags.boolean({ char: 'y', summary: 'Replay without asking (needed when stdin is not a terminal).', default: false }),
    'dry-run': Flags.boolean({ summary: 'Show what --replay would send, and where; send nothing.', default: false }),
  };

  async run(): Promise<LostWritesResult> {
    const { args, flags } = await this.parse(LostWrites);
    const { state } = this.openCluster(flags);
    if (state.spec.cluster) throw new CliError('lost-writes does not read a Redis Cluster (mode: cluster) yet', { exit: EXIT.USAGE, code: 'USAGE' });
    const [{ readLostWrites }, format] = await Promise.all([import('../ops/lost-writes/lost-writes.js'), import('../ops/lost-writes/lost-writes-format.js')]);
    let name: string | undefined;
    if (args.node !== undefined) {
      const { selectNode } = await import('../cluster/select.js');
      name = (await selectNode(state, args.node)).record.name;
    }
    const report = readLostWrites(state, name);
    const replaying = flags.replay || flags['dry-run'];
    if (!replaying || !report.ledgerSupported) {
      for (const line of format.formatReport(state, report)) this.log(line);
      return replaying ? { ...report, replay: null } : report;
    }
    for (const warning of report.warnings) this.log(`⚠ ${warning}`);
    if (report.gaps.length) this.log(`✖ ${report.totals.missingBytes} byte(s) of writes are lost without a record (not in any backlog): they cannot be replayed.`);
    const pending = report.entries.filter((e) => !e.replayed);
    if (pending.length === 0) {
      const already = report.totals.replayed ? ` (${report.totals.replayed} already replayed)` : '';
      this.log(`Nothing to replay${already}.`);
      return { ...report, replay: null };
    }
    const { currentMaster, replayLostWrites } = await import('../ops/lost-writes/lost-writes-replay.js');
    const target = await currentMaster(state);
    const sources = [...new Set(pending.map((e) => e.node))].join(', ');
    const plan = `${pending.length} command(s) from ${sources}'s ledger to ${target.node} (the master, port ${target.port})`;
    if (flags['dry-run']) {
      this.log(`Would replay ${plan}:`);
      let db: number | null = null;
      for (const entry of pending) {
        if (entry.db !== db) this.log(`  SELECT ${(db = entry.db)}`);
        this.log(`  ${format.printableCommand(entry.command)}`);
      }
      const outcome = await replayLostWrites(state, report, target, true);
      return { ...report, replay: outcome };
    }
    if (!flags.yes) await this.confirm(`Replay ${plan}? [y/N] `);
    const outcome = await replayLostWrites(state, report, target);
    for (const f of outcome.failed) this.log(`✖ ${f.key} (db ${f.db}) ${format.printableCommand(f.command)}: ${f.error}`);
    const skipped = outcome.skipped ? `; ${outcome.skipped} replayed earlier, not sent again` : '';
    this.log(`Replayed ${outcome.applied} of ${outcome.planned} command(s) to ${target.node}${outcome.failed.length ? `; ${outcome.failed.length} failed` : ''}${skipped}.`);
    if (outcome.failed.length) process.exitCode = EXIT.FAILED;
    const replayed = report.entries.filter((e) => e.replayed).length;
    return { ...report, totals: { ...report.totals, replayed, pending: report.entries.length - replayed }, replay: outcome };
  }

  /** Asks on the terminal; refuses (usage error naming --yes) when there is none to ask on. */
  private async confirm(question: string): Promise<void> {
    if (!process.stdin.isTTY) {
      throw new CliError('refusing to replay without a confirmation: stdin is not a terminal', {
        exit: EXIT.USAGE,
        code: 'USAGE',
        suggestion: 'Pass --yes to replay without asking (or --dry-run to see what would be sent).',
      });
    }
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question(question).finally(() => rl.close());
    if (!/^y(es)?$/i.test(answer.trim())) {
      throw new CliError('replay cancelled; nothing was sent', { exit: EXIT.FAILED, code: 'CANCELLED' });
    }
  }
}
