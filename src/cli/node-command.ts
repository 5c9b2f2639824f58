// Shared shape of the node-control commands (kill, stop, start, restart, pause, resume): one NODE
// argument, a name or a role selector resolved live.

import { Args } from '@oclif/core';
import { BaseCommand } from './base.js';
import { nodeAction, type ActionOptions, type NodeAction, type NodeActionResult } from './ops/node-control.js';
import { SELECTOR_HELP } from './ops/select.js';

export const nodeArg = Args.string({ name: 'NODE', required: true, description: `Which node: ${SELECTOR_HELP}.` });

export abstract class NodeCommand extends BaseCommand {
  protected async act(action: NodeAction, flags: { file?: string; dir?: string; cluster?: string }, selector: string, extra: Partial<ActionOptions> = {}): Promise<NodeActionResult> {
    const { state, paths } = this.openCluster(flags);
    const result = await nodeAction(action, { state, paths, selector, ...extra });
    this.log(result.message);
    return result;
  }
}
