// clusterctl start NODE: Start a stopped node again, on the same port and directory, with its current upstream.

import { Flags } from '@oclif/core';
import { NodeCommand, nodeArg } from '../node-command.js';
import { durationFlag } from '../util/duration-flag.js';
import type { NodeActionResult } from '../ops/node-control/node-control.js';

export default class Start extends NodeCommand {
  static override summary = 'Start a stopped node again, on the same port and directory, with its current upstream.';
  static override examples = ['<%= config.bin %> start master', '<%= config.bin %> start r1 --json'];
  static override args = { node: nodeArg };
  static override flags = {
    timeout: Flags.string({ summary: 'How long to wait for the node to be ready.', default: '30s' }),
  };

  async run(): Promise<NodeActionResult> {
    const { args, flags } = await this.parse(Start);
    return this.act('start', flags, args.node, { timeoutMs: durationFlag(flags.timeout) });
  }
}
