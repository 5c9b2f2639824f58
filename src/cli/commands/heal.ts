// clusterctl heal [NODE]: end the partitions of one node or sentinel, or of every process
// (ops/node-control/partition.ts).

import { Args } from '@oclif/core';
import { BaseCommand } from '../base.js';
import { SELECTOR_HELP } from '../help-text.js';
import type { HealResult } from '../ops/node-control/partition.js';

export default class Heal extends BaseCommand {
  static override summary = 'Heal partitions: of one node or sentinel, or (no NODE) of every running process.';
  static override description = 'Held traffic is delivered and reading resumes where it stopped, as after a real partition heals.';
  static override examples = ['<%= config.bin %> heal', '<%= config.bin %> heal m1 --json'];
  static override args = { node: Args.string({ name: 'NODE', required: false, description: `Which process: ${SELECTOR_HELP}, or a sentinel name (default: all).` }) };

  async run(): Promise<HealResult> {
    const { args, flags } = await this.parse(Heal);
    const { state } = this.openCluster(flags);
    const { healNodes } = await import('../ops/node-control/partition.js');
    const result = await healNodes(state, args.node);
    this.log(result.message);
    return result;
  }
}
