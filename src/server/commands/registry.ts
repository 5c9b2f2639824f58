// The command table: every family module exports its specs; this file gathers them by name.
// Adding a family = one import here. A sharded mode will add its commands the same way.

import type { CommandSpec } from '../base/command-spec.js';
import { connectionCommands } from './connection/connection.js';
import { stringCommands } from './strings/strings.js';
import { keyCommands } from './keys/keys.js';
import { listCommands } from './lists/lists.js';
import { hashCommands } from './hashes/hashes.js';
import { setCommands } from './sets/sets.js';
import { sortedSetCommands } from './sorted-sets/sorted-sets.js';
import { geoCommands } from './geo/geo.js';
import { sortCommands } from './sort/sort.js';
import { bitmapCommands } from './bitmaps/bitmaps.js';
import { hyperLogLogCommands } from './hyperloglog/hyperloglog.js';
import { streamCommands } from './streams/streams.js';
import { transactionCommands } from './transactions/transactions.js';
import { scriptingCommands } from './scripting/scripting.js';
import { pubsubCommands } from './pubsub/pubsub.js';
import { serverCommands } from './admin/admin.js';
import { aclCommands } from './acl/acl.js';
import { persistenceCommands } from './persistence/persistence.js';
import { aofCommands } from './persistence/aof-commands.js';
import { replicationCommands } from './replication/replication.js';
import { fencingCommands } from '../fencing/fencing-command.js';
import { faultCommands } from '../faults/fault-command.js';
import { clusterClientFlagCommands } from './cluster/client-flags.js';
import { clusterCommands } from './cluster/cluster.js';
import { migrateCommands } from './persistence/migrate.js';
import { shardPubsubCommands } from './pubsub/shard-pubsub.js';

export const COMMAND_FAMILIES: readonly (readonly CommandSpec[])[] = [
  connectionCommands,
  stringCommands,
  keyCommands,
  listCommands,
  hashCommands,
  setCommands,
  sortedSetCommands,
  geoCommands,
  sortCommands,
  bitmapCommands,
  hyperLogLogCommands,
  streamCommands,
  transactionCommands,
  scriptingCommands,
  pubsubCommands,
  serverCommands,
  aclCommands,
  persistenceCommands,
  aofCommands,
  replicationCommands,
  fencingCommands,
  faultCommands,
  clusterClientFlagCommands,
  clusterCommands,
  migrateCommands,
  shardPubsubCommands,
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
