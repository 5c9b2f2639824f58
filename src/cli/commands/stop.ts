// clusterctl stop NODE: Stop one node gracefully (SHUTDOWN, then SIGTERM, then SIGKILL). Its data and port are kept.

import { NodeCommand, nodeArg } from '../node-command.js';
import type { NodeActionResult } from '../ops/node-control/node-control.js';

export default class Stop extends NodeCommand {
  static override summary = 'Stop one node gracefully (SHUTDOWN, then SIGTERM, then SIGKILL). Its data and port are kept.';
  static override examples = ['<%= config.bin %> stop master', '<%= config.bin %> stop r1 --json'];
  static override args = { node: nodeArg };

  async run(): Promise<NodeActionResult> {
    const { args, flags } = await this.parse(Stop);
    return this.act('stop', flags, args.node);
  }
}
