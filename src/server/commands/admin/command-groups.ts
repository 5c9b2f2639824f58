// The documentation group (COMMAND DOCS `group`, ACL category family) of a command, from the family
// module that defines it; computed on first use so module load order never matters.

import { connectionCommands } from '../connection/connection.js';
import { stringCommands } from '../strings/strings.js';
import { keyCommands } from '../keys/keys.js';
import { listCommands } from '../lists/lists.js';
import { hashCommands } from '../hashes/hashes.js';
import { setCommands } from '../sets/sets.js';
import { sortedSetCommands } from '../sorted-sets/sorted-sets.js';
import { transactionCommands } from '../transactions/transactions.js';
import { pubsubCommands } from '../pubsub/pubsub.js';
import type { CommandSpec } from '../../base/command-spec.js';

let groups: Map<CommandSpec, string> | undefined;

export function commandGroup(spec: CommandSpec): string {
  if (!groups) {
    groups = new Map();
    const families: [readonly CommandSpec[], string][] = [
      [connectionCommands, 'connection'],
      [stringCommands, 'string'],
      [keyCommands, 'generic'],
      [listCommands, 'list'],
      [hashCommands, 'hash'],
      [setCommands, 'set'],
      [sortedSetCommands, 'sorted-set'],
      [transactionCommands, 'transactions'],
      [pubsubCommands, 'pubsub'],
    ];
    for (const [family, group] of families) for (const member of family) groups.set(member, group);
  }
  // Admin, persistence and replication commands are all in Redis's `server` group.
  return groups.get(spec) ?? 'server';
}
