// How the hash commands find their hash: write commands look it up as Redis's lookupKeyWrite does,
// read commands as lookupKeyRead (keyspace_hits / keyspace_misses and the `keymiss` event).

import { ErrorReply } from '../../../shared/resp/reply.js';
import type { HashValue, Value } from '../../keyspace/values.js';
import { ERR_WRONGTYPE } from '../../base/errors.js';
import { readKey } from '../../base/read-key.js';
import type { CommandContext } from '../../base/command-spec.js';

/** The hash at `key` for a write command (lookupKeyWrite), undefined when missing, or WRONGTYPE. */
export function getHash(ctx: CommandContext, key: string): HashValue | undefined | ErrorReply {
  return asHash(ctx.db.lookup(key));
}

/** The hash at `key` for a read command (lookupKeyRead: hit/miss counters, `keymiss`). */
export function readHash(ctx: CommandContext, key: string): HashValue | undefined | ErrorReply {
  return asHash(readKey(ctx, key));
}

function asHash(value: Value | undefined): HashValue | undefined | ErrorReply {
  if (value === undefined) return undefined;
  return value instanceof Map ? value : ERR_WRONGTYPE;
}
