// clusterctl logs NODE: the node's log (node.log in its directory); -f follows it.

import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base.js';
import { SELECTOR_HELP } from '../help-text.js';
import { fileSize, readFrom, tail } from '../util/files.js';
import { sleep } from '../util/sleep.js';

export interface LogsResult {
  cluster: string;
  node: string;
  logFile: string;
  lines: string[];
}

/** How often -f looks for new lines. */
const FOLLOW_POLL_MS = 200;

export default class Logs extends BaseCommand {
  static override summary = 'Print the last lines of a node\'s (or sentinel\'s) log; -f keeps following it.';
  static override examples = ['<%= config.bin %> logs master', '<%= config.bin %> logs r1 -n 100', '<%= config.bin %> logs replica:2 -f'];
  static override args = { node: Args.string({ required: true, description: `Which node: ${SELECTOR_HELP}.` }) };
  static override flags = {
    lines: Flags.integer({ char: 'n', summary: 'How many lines from the end.', default: 50, min: 0 }),
    // -f is follow here (as in tail -f); the topology file is --file only.
    file: Flags.string({ summary: 'Topology file (default: ./clusterctl.yaml).', helpGroup: 'GLOBAL' }),
    follow: Flags.boolean({ char: 'f', summary: 'Keep printing new lines until Ctrl-C (with --json: one JSON object per line).' }),
  };

  async run(): Promise<LogsResult> {
    const { args, flags } = await this.parse(Logs);
    const { state } = this.openCluster(flags);
    const { selectNode } = await import('../cluster/select.js');
    // Sentinels (s1, s2, ...) have logs too; everything else is a node name or a role selector.
    const record = state.sentinels.find((s) => s.name === args.node) ?? (await selectNode(state, args.node)).record;
    const lines = tail(record.logFile, flags.lines);
    const result = { cluster: state.name, node: record.name, logFile: record.logFile, lines };
    if (!flags.follow) {
      for (const line of lines) this.log(line);
      return result;
    }
    const json = this.jsonEnabled();
    const emit = (line: string) => process.stdout.write(json ? `${JSON.stringify({ node: record.name, line })}\n` : `${line}\n`);
    lines.forEach(emit);
    let offset = fileSize(record.logFile);
    let partial = '';
    for (;;) {
      await sleep(FOLLOW_POLL_MS);
      const size = fileSize(record.logFile);
      if (size < offset) offset = 0; // Truncated or recreated (down --purge, then up): start over.
      if (size === offset) continue;
      const text = partial + readFrom(record.logFile, offset);
      offset = size;
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      parts.forEach(emit);
    }
  }
}
