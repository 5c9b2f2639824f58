// clusterctl partition NODE --from ...: cut a node or sentinel off from sentinels, replicas,
// clients, its master, or named processes, as a black hole inside that process
// (ops/node-control/partition.ts).

import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base.js';
import { SELECTOR_HELP } from '../help-text.js';
import type { PartitionDirection, PartitionResult } from '../ops/node-control/partition.js';
import { durationFlag } from '../util/duration-flag.js';

export default class Partition extends BaseCommand {
  static override summary = 'Cut a node (or sentinel) off from sentinels, replicas, clients, its master or named processes.';
  static override description =
    'A black hole inside the process: it stops reading and/or writing on those links (no reset, no close); ' +
    'traffic resumes where it stopped on `heal` or after --for. Engine builtin only.';
  static override examples = [
    '<%= config.bin %> partition master --from sentinels,replicas',
    '<%= config.bin %> partition r1 --from master --for 10s',
    '<%= config.bin %> partition m1 --from s1,s2 --direction in',
  ];
  static override args = { node: Args.string({ name: 'NODE', required: true, description: `Which process: ${SELECTOR_HELP}, or a sentinel name.` }) };
  static override flags = {
    from: Flags.string({
      required: true,
      summary: 'Comma-separated: sentinels, replicas, clients, master (its upstream), client:<name-glob>, node or sentinel names, host:port.',
    }),
    direction: Flags.string({ summary: 'in: drop what it reads from them; out: hold what it writes to them.', options: ['both', 'in', 'out'], default: 'both' }),
    for: Flags.string({ summary: 'Heal by itself after this long: 10s, 500ms, 2m (default: until `heal`).' }),
    except: Flags.string({ summary: 'Comma-separated client connection names (globs) never cut off.' }),
  };

  async run(): Promise<PartitionResult> {
    const { args, flags } = await this.parse(Partition);
    const forMs = flags.for === undefined ? 0 : durationFlag(flags.for, '--for');
    const { state } = this.openCluster(flags);
    const { partitionNode } = await import('../ops/node-control/partition.js');
    const split = (text: string | undefined) => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const result = await partitionNode(state, args.node, {
      from: split(flags.from),
      direction: flags.direction as PartitionDirection,
      forMs,
      except: split(flags.except),
    });
    this.log(result.message);
    return result;
  }
}
