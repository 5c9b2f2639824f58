// Shared shape of the node-control commands (kill, stop, start, restart, pause, resume): one NODE
// argument, a name or a role selector resolved live.

import { Args } from '@oclif/core';
import { BaseCommand } from './base.js';
import type { ActionOptions, NodeAction, NodeActionResult } from './ops/node-control/node-control.js';
import { SELECTOR_HELP } from './help-text.js';

export const nodeArg = Args.string({ name: 'NODE', required: true, description: `Which node: ${SELECTOR_HELP}.` });

export abstract class NodeCommand extends BaseCommand {
  protected async act(action: NodeAction, flags: { file?: string; dir?: string; cluster?: string }, selector: string, extra: Partial<ActionOptions> = {}): Promise<NodeActionResult> {
    const { state, paths } = this.openCluster(flags);
    const { nodeAction } = await import('./ops/node-control/node-control.js');
    const result = await nodeAction(action, { state, paths, selector, ...extra });
    this.log(result.message);
    return result;
  }
}
