// Commands that walk a hash: HRANDFIELD (Redis 7.0 hrandfieldWithCountCommand) and HSCAN, on the
// shared random-member walk and scan paging (base/random-members.ts, base/scan.ts). Small hashes
// (Redis's listpack size) answer HSCAN whole in one call with cursor 0, as Redis does.

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import type { HashValue } from '../../keyspace/values.js';
import type { CommandContext } from '../../base/command-spec.js';
import { readHash } from './lookup.js';
import { drawRandom, keyAt, parseRandomCount, randomIndex } from '../../base/random-members.js';
import { scanKey, scanPage } from '../../base/scan.js';

/** HRANDFIELD key [count [WITHVALUES]]. RESP3 nests [field, value] pairs; RESP2 flattens them. */
export function hrandfield(ctx: CommandContext, args: string[]): Reply {
  if (args.length === 2) {
    const hash = readHash(ctx, args[1]!);
    if (hash === undefined || hash instanceof ErrorReply) return hash ?? null;
    return keyAt(hash, randomIndex(hash.size))!;
  }
  const parsed = parseRandomCount(args, 'WITHVALUES');
  if (parsed instanceof ErrorReply) return parsed;
  const hash = readHash(ctx, args[1]!);
  if (hash === undefined) return [];
  if (hash instanceof ErrorReply) return hash;
  if (parsed.count === 0) return [];
  // Every pick is uniform over a copy of the entries (no `one`: no stride walker for hashes).
  const entries = drawRandom({ size: hash.size, all: () => [...hash] }, parsed.count);
  const nested = ctx.client.proto === 3;
  const out: Reply[] = [];
  for (const [field, value] of entries) {
    if (!parsed.withValues) out.push(field);
    else if (nested) out.push([field, value]);
    else out.push(field, value);
  }
  return out;
}

/** True when Redis would hold this hash as a listpack (its HSCAN then answers in one call). */
function isSmall(ctx: CommandContext, hash: HashValue): boolean {
  const config = ctx.server.config;
  if (hash.size > config.num('hash-max-listpack-entries')) return false;
  const maxValue = config.num('hash-max-listpack-value');
  for (const [field, value] of hash) if (field.length > maxValue || value.length > maxValue) return false;
  return true;
}

/** HSCAN key cursor [MATCH pattern] [COUNT count]: [next cursor, [field, value, ...]]. */
export function hscan(ctx: CommandContext, args: string[]): Reply {
  return scanKey(
    args,
    (key) => readHash(ctx, key),
    (hash, cursor, options) => {
      const whole = isSmall(ctx, hash) ? hash.keys() : null;
      return scanPage(cursor, hash, options, whole, (out, field) => out.push(field, hash.get(field)!));
    },
  );
}
