// clusterctl restart NODE: Stop a node gracefully and start it again on the same port.

import { Flags } from '@oclif/core';
import { NodeCommand, nodeArg } from '../node-command.js';
import { durationFlag } from '../util/duration-flag.js';
import type { NodeActionResult } from '../ops/node-control/node-control.js';

export default class Restart extends NodeCommand {
  static override summary = 'Stop a node gracefully and start it again on the same port.';
  static override examples = ['<%= config.bin %> restart master', '<%= config.bin %> restart r1 --json'];
  static override args = { node: nodeArg };
  static override flags = {
    timeout: Flags.string({ summary: 'How long to wait for the node to be ready.', default: '30s' }),
  };

  async run(): Promise<NodeActionResult> {
    const { args, flags } = await this.parse(Restart);
    return this.act('restart', flags, args.node, { timeoutMs: durationFlag(flags.timeout) });
  }
}
