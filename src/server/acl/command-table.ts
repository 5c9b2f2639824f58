// The commands ACL rules speak about, as redis-server 7.0's ACL sees its original command table
// (acl.c works on server.orig_commands): every command and subcommand of base/command-metadata, with
// an id (the bit in a selector's command bitmap), its ACL categories as a bitmask in ACL CAT order,
// its parent container and its subcommands. Built from the metadata rather than our handler table,
// so rules, ACL CAT and ACL DRYRUN know every command redis-server 7.0 knows.

import { ACL_CATEGORIES, redisCommands, type CommandMeta } from '../base/command-metadata/index.js';
import { OWN_COMMANDS, OWN_SUBCOMMANDS } from '../base/command-metadata/own-commands.js';

export interface AclCommand {
  /** The bit of this command in a selector's bitmap. */
  readonly id: number;
  /** Lowercase `get` or `config|get` (Redis cmd->fullname). */
  readonly fullName: string;
  /** ACL categories, bit i = ACL_CATEGORIES[i]. */
  readonly categories: number;
  readonly parent: AclCommand | undefined;
  /** Sorted by name; empty for a command without subcommands. */
  readonly subcommands: readonly AclCommand[];
  /** CMD_NO_AUTH commands (AUTH, HELLO, QUIT, RESET) pass every selector's command check. */
  readonly noAuth: boolean;
  readonly meta: CommandMeta;
}

/** The ACL categories in ACL CAT order (acl.c ACLCommandCategories). */
export const CATEGORY_NAMES: readonly string[] = ACL_CATEGORIES;

/** The bit of a category named as ACL CAT names it, any case; 0 for an unknown name. */
export function categoryFlag(name: string): number {
  const index = CATEGORY_NAMES.indexOf(name.toLowerCase());
  return index < 0 ? 0 : 1 << index;
}

function categoryBits(meta: CommandMeta): number {
  let bits = 0;
  for (const category of meta.acl) bits |= categoryFlag(category.slice(1));
  return bits;
}

export class AclCommandTable {
  /** Top-level commands, sorted by name (the order rules are described in). */
  readonly commands: AclCommand[] = [];
  private readonly byName = new Map<string, AclCommand>();
  /** Number of ids handed out: the size of a command bitmap. */
  size = 0;

  constructor(tops: readonly CommandMeta[], extraSubcommands: readonly CommandMeta[] = []) {
    const sorted = [...tops].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const meta of sorted) {
      const extra = extraSubcommands.filter((sub) => sub.name.startsWith(`${meta.name}|`));
      this.commands.push(this.add(meta, undefined, [...(meta.subcommands ?? []), ...extra]));
    }
  }

  private add(meta: CommandMeta, parent: AclCommand | undefined, subs: readonly CommandMeta[]): AclCommand {
    const subcommands: AclCommand[] = [];
    const command: AclCommand = {
      id: this.size++,
      fullName: meta.name,
      categories: categoryBits(meta),
      parent,
      subcommands,
      noAuth: meta.flags.includes('no_auth'),
      meta,
    };
    this.byName.set(meta.name, command);
    const ordered = [...subs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const sub of ordered) subcommands.push(this.add(sub, command, []));
    return command;
  }

  /** By full name as the request path resolved it (`get`, `config|get`), any case. */
  get(fullName: string): AclCommand | undefined {
    return this.byName.get(fullName.toLowerCase());
  }

  /**
   * A command named in a rule (Redis ACLLookupCommand, strict): `get`, or `config|get` for a
   * container's subcommand; undefined for anything else (`select|0`, `a|b|c`, an unknown name).
   */
  lookupRuleName(name: string): AclCommand | undefined {
    if (name === '') return undefined;
    const parts = name.split('|');
    if (parts.length > 2) return undefined;
    const base = this.get(parts[0]!);
    if (!base) return undefined;
    if (parts.length === 1) return base;
    if (base.subcommands.length === 0) return undefined;
    return this.get(`${base.fullName}|${parts[1]!}`);
  }

  /**
   * The command a command line names (Redis lookupCommand, lenient): the container's subcommand when
   * it has subcommands and a second argument is given, else the command itself.
   */
  lookupArgs(args: readonly string[]): AclCommand | undefined {
    const base = this.get(args[0]!);
    if (!base || args.length === 1 || base.subcommands.length === 0) return base;
    return this.get(`${base.fullName}|${args[1]!}`);
  }

  /** Every command and subcommand, containers before their subcommands (dict walk order). */
  *walk(commands: readonly AclCommand[] = this.commands): Generator<AclCommand> {
    for (const command of commands) {
      yield command;
      if (command.subcommands.length > 0) yield* this.walk(command.subcommands);
    }
  }
}

let shared: AclCommandTable | undefined;

/** The node's table: redis-server 7.0's commands and ours (FAULT, FENCING, CLIENT SETINFO). */
export function aclCommandTable(): AclCommandTable {
  if (!shared) shared = new AclCommandTable([...redisCommands(), ...OWN_COMMANDS], OWN_SUBCOMMANDS);
  return shared;
}
