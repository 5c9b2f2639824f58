// clusterctl pause NODE: Freeze a node with SIGSTOP (it keeps its connections but answers nothing).

import { NodeCommand, nodeArg } from '../node-command.js';
import type { NodeActionResult } from '../ops/node-control/node-control.js';

export default class Pause extends NodeCommand {
  static override summary = 'Freeze a node with SIGSTOP (it keeps its connections but answers nothing).';
  static override examples = ['<%= config.bin %> pause master', '<%= config.bin %> pause r1 --json'];
  static override args = { node: nodeArg };

  async run(): Promise<NodeActionResult> {
    const { args, flags } = await this.parse(Pause);
    return this.act('pause', flags, args.node);
  }
}
