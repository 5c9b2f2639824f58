// clusterctl fault NODE --delay 200ms --throttle 1mb/s [--for 10s] | --drop | --clear: slow or
// reset a builtin node's links, its replication links by default (ops/node-control/link-fault.ts).

import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base.js';
import { CliError, EXIT } from '../errors.js';
import { SELECTOR_HELP } from '../help-text.js';
import type { PartitionDirection } from '../ops/node-control/partition.js';
import type { LinkFaultResult } from '../ops/node-control/link-fault.js';
import { durationFlag } from '../util/duration-flag.js';
import { parseRate } from '../util/rate.js';

export default class Fault extends BaseCommand {
  static override summary = 'Slow down (delay, throttle) or reset a node\'s links: its replication links unless --on says otherwise.';
  static override description =
    'Inside the process: every byte on the link arrives --delay later, and no faster than --throttle; --drop closes the links now, ' +
    'as a connection reset would (a replica then reconnects and resyncs); --clear ends every shape and partition of the node. Engine builtin only.';
  static override examples = [
    '<%= config.bin %> fault r1 --delay 200ms',
    '<%= config.bin %> fault r1 --throttle 1mb/s --for 10s',
    '<%= config.bin %> fault m1 --delay 50ms --on clients --direction out',
    '<%= config.bin %> fault r1 --drop',
    '<%= config.bin %> fault r1 --clear --json',
  ];
  static override args = { node: Args.string({ name: 'NODE', required: true, description: `Which node: ${SELECTOR_HELP}.` }) };
  static override flags = {
    delay: Flags.string({ summary: 'Add this one-way delay to every byte: 200ms, 1s.' }),
    throttle: Flags.string({ summary: 'At most this many bytes per second: 1mb/s, 500kb/s, 64k (units as in redis.conf).' }),
    on: Flags.string({ summary: 'Comma-separated links: master (its upstream), replicas, sentinels, clients, client:<name-glob>, node names, host:port (default: master,replicas).' }),
    direction: Flags.string({ summary: 'in: what the node reads; out: what it writes; both (default).', options: ['both', 'in', 'out'], default: 'both' }),
    for: Flags.string({ summary: 'Clear by itself after this long: 10s, 500ms (default: until --clear or `clusterctl heal`).' }),
    drop: Flags.boolean({ summary: 'Close the links now (a connection reset), instead of slowing them.', exclusive: ['delay', 'throttle', 'clear'] }),
    clear: Flags.boolean({ summary: 'End the node\'s shapes and partitions (of the --on links only, when given).', exclusive: ['delay', 'throttle', 'drop'] }),
  };

  async run(): Promise<LinkFaultResult> {
    const { args, flags } = await this.parse(Fault);
    const { state } = this.openCluster(flags);
    const ops = await import('../ops/node-control/link-fault.js');
    const on = flags.on?.split(',').map((s) => s.trim()).filter(Boolean);
    let result: LinkFaultResult;
    if (flags.clear) result = await ops.clearLinks(state, args.node, on ?? []);
    else if (flags.drop) result = await ops.dropLinks(state, args.node, on);
    else {
      const bytesPerSec = flags.throttle === undefined ? 0 : parseRate(flags.throttle);
      if (bytesPerSec === undefined) throw new CliError(`--throttle ${flags.throttle}: not a rate`, { exit: EXIT.USAGE, suggestion: 'Write e.g. 1mb/s, 500kb/s or 64k.' });
      result = await ops.shapeLinks(state, args.node, {
        delayMs: flags.delay === undefined ? 0 : durationFlag(flags.delay, '--delay'),
        bytesPerSec,
        peers: on,
        direction: flags.direction as PartitionDirection,
        forMs: flags.for === undefined ? 0 : durationFlag(flags.for, '--for'),
      });
    }
    this.log(result.message);
    return result;
  }
}
