// The command table: every family module exports its specs; this file gathers them by name.
// Adding a family = one import here. A sharded mode will add its commands the same way.

import type { CommandSpec } from './types.js';
import { connectionCommands } from './connection.js';
import { stringCommands } from './strings.js';
import { keyCommands } from './keys.js';
import { listCommands } from './lists.js';
import { hashCommands } from './hashes.js';
import { setCommands } from './sets.js';
import { sortedSetCommands } from './sorted-sets.js';
import { transactionCommands } from './transactions.js';
import { pubsubCommands } from './pubsub.js';
import { serverCommands } from './server.js';
import { persistenceCommands } from './persistence.js';
import { replicationCommands } from './replication.js';
import { fencingCommands } from './fencing.js';
import { faultCommands } from './fault.js';

export const COMMAND_FAMILIES: readonly (readonly CommandSpec[])[] = [
  connectionCommands,
  stringCommands,
  keyCommands,
  listCommands,
  hashCommands,
  setCommands,
  sortedSetCommands,
  transactionCommands,
  pubsubCommands,
  serverCommands,
  persistenceCommands,
  replicationCommands,
  fencingCommands,
  faultCommands,
];

export function buildCommandTable(): Map<string, CommandSpec> {
  const table = new Map<string, CommandSpec>();
  for (const family of COMMAND_FAMILIES) {
    for (const spec of family) {
      if (table.has(spec.name)) throw new Error(`command '${spec.name}' is defined twice`);
      table.set(spec.name, spec);
    }
  }
  return table;
}
