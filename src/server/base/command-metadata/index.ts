// The command metadata the node reports (COMMAND INFO / DOCS / LIST, GETKEYS) and ACL will enforce:
// redis-server 7.0's, generated into redis-7.0-commands.ts by scripts/command-metadata.mjs, plus our
// own commands and subcommands (own-commands.ts). Looked up by full lowercase name (`get`, `config|get`), the way
// Redis builds its table from src/commands/*.json. Behaviour (handlers, the arity and flags the
// dispatcher acts on) stays in the CommandSpecs; a unit test keeps the two equal.

import { REDIS_ACL_CATEGORIES, REDIS_COMMANDS_JSON } from './redis-7.0-commands.js';
import { OWN_COMMANDS, OWN_SUBCOMMANDS } from './own-commands.js';
import type { CommandMeta } from './types.js';

export type { ArgumentMeta, BeginSearch, CommandMeta, DocMeta, FindKeys, KeySpecMeta } from './types.js';

let redis: readonly CommandMeta[] | undefined;
let byName: Map<string, CommandMeta> | undefined;

/** Parsed on first use (COMMAND, GETKEYS), not at start-up. */
function redisTable(): readonly CommandMeta[] {
  redis ??= REDIS_COMMANDS_JSON.map((text) => JSON.parse(text) as CommandMeta);
  return redis;
}

function table(): Map<string, CommandMeta> {
  if (!byName) {
    byName = new Map();
    for (const top of [...redisTable(), ...OWN_COMMANDS]) {
      byName.set(top.name, top);
      for (const sub of top.subcommands ?? []) byName.set(sub.name, sub);
    }
    for (const sub of OWN_SUBCOMMANDS) byName.set(sub.name, sub);
  }
  return byName;
}

/** The metadata of `get` or `config|get` (case-insensitive), or undefined. */
export function commandMeta(fullName: string): CommandMeta | undefined {
  return table().get(fullName.toLowerCase());
}

/** Every top-level command redis-server 7.0 has, sorted by name (subcommands inside). */
export function redisCommands(): readonly CommandMeta[] {
  return redisTable();
}

/** ACL CAT of redis-server 7.0, in its order, without `@`. */
export const ACL_CATEGORIES: readonly string[] = REDIS_ACL_CATEGORIES;

/**
 * The ACL categories of a command or subcommand, with `@` (`['@read', '@string', '@fast']`), or
 * undefined for a name no one knows. A container's own categories are those COMMAND INFO shows for
 * it; ACL rules on a subcommand use the subcommand's.
 */
export function aclCategoriesOf(fullName: string): readonly string[] | undefined {
  return commandMeta(fullName)?.acl;
}

/**
 * True when the command or subcommand is in `category`, named as ACL CAT names it (any case, no
 * `@`: Redis's ACLGetCommandCategoryFlagByName knows no `@read`).
 */
export function inAclCategory(meta: CommandMeta, category: string): boolean {
  return meta.acl.includes(`@${category.toLowerCase()}`);
}
