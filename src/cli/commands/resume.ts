// clusterctl resume NODE: Continue a paused node with SIGCONT.

import { NodeCommand, nodeArg } from '../node-command.js';
import type { NodeActionResult } from '../ops/node-control/node-control.js';

export default class Resume extends NodeCommand {
  static override summary = 'Continue a paused node with SIGCONT.';
  static override examples = ['<%= config.bin %> resume master', '<%= config.bin %> resume r1 --json'];
  static override args = { node: nodeArg };

  async run(): Promise<NodeActionResult> {
    const { args, flags } = await this.parse(Resume);
    return this.act('resume', flags, args.node);
  }
}
