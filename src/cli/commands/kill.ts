// clusterctl kill NODE: send a signal (default SIGKILL: a crash, no shutdown, no save) to one node.

import { Flags } from '@oclif/core';
import { CliError, EXIT } from '../errors.js';
import { NodeCommand, nodeArg } from '../node-command.js';
import { KILL_SIGNALS, type KillSignal } from '../help-text.js';
import type { NodeActionResult } from '../ops/node-control/node-control.js';

export default class Kill extends NodeCommand {
  static override summary = 'Send a signal to one node: KILL (default, a crash), TERM (graceful) or STOP (freeze).';
  static override examples = ['<%= config.bin %> kill master', '<%= config.bin %> kill replica:2 --signal TERM'];
  static override args = { node: nodeArg };
  static override flags = {
    signal: Flags.string({ char: 's', summary: `Signal to send: ${KILL_SIGNALS.join(', ')} (SIG prefix and case optional).`, default: 'KILL' }),
  };

  async run(): Promise<NodeActionResult> {
    const { args, flags } = await this.parse(Kill);
    const signal = flags.signal.toUpperCase().replace(/^SIG/, '') as KillSignal;
    if (!KILL_SIGNALS.includes(signal)) {
      throw new CliError(`--signal ${flags.signal}: not one of ${KILL_SIGNALS.join(', ')}`, { exit: EXIT.USAGE, suggestion: 'Use KILL (crash), TERM (graceful) or STOP (freeze).' });
    }
    return this.act('kill', flags, args.node, { signal });
  }
}
