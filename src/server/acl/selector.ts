// One ACL selector (acl.c aclSelector): the commands it allows (a bitmap over the ACL command table,
// plus first arguments of otherwise blocked commands), its key patterns with read/write
// permissions, its channel patterns, and the rules that change them (ACLSetSelector). Every user
// has a root selector; `(...)` rules add more.

import type { AclCommand, AclCommandTable } from './command-table.js';
import { categoryFlag } from './command-table.js';
import { hasSpaces, type RuleError } from './rule-errors.js';

/** Key pattern permissions (ACL_READ_PERMISSION, ACL_WRITE_PERMISSION). */
export const KEY_READ = 1;
export const KEY_WRITE = 2;
export const KEY_ALL = KEY_READ | KEY_WRITE;

export interface KeyPattern {
  readonly pattern: string;
  flags: number;
}

export class Selector {
  allKeys = false;
  allChannels: boolean;
  /** SELECTOR_FLAG_ALLCOMMANDS: set by +@all, cleared as soon as any command bit is cleared. */
  allCommands = false;
  /** The reserved bit +@all sets and only -@all clears: the selector allows commands added later. */
  future = false;
  /** 1 = the command with this id is allowed. */
  allowed: Uint8Array;
  /** First arguments allowed for commands whose bit is clear (`+select|0`), by command id. */
  firstArgs: Map<number, string[]> | undefined;
  keys: KeyPattern[] = [];
  channels: string[] = [];

  constructor(
    readonly table: AclCommandTable,
    readonly root: boolean,
    /** acl-pubsub-default allchannels: new selectors start with every channel (ACLCreateSelector). */
    allChannelsByDefault: boolean,
  ) {
    this.allChannels = allChannelsByDefault;
    this.allowed = new Uint8Array(table.size);
  }

  copy(): Selector {
    const copy = new Selector(this.table, this.root, this.allChannels);
    copy.allKeys = this.allKeys;
    copy.allCommands = this.allCommands;
    copy.future = this.future;
    copy.allowed = this.allowed.slice();
    if (this.firstArgs) copy.firstArgs = new Map([...this.firstArgs].map(([id, args]) => [id, [...args]]));
    copy.keys = this.keys.map((k) => ({ pattern: k.pattern, flags: k.flags }));
    copy.channels = [...this.channels];
    return copy;
  }

  /** Redis ACLSetSelectorCommandBit: clearing any bit ends "all commands". */
  setBit(id: number, allow: boolean): void {
    this.allowed[id] = allow ? 1 : 0;
    if (!allow) this.allCommands = false;
  }

  /** ACLChangeSelectorPerm: a container's rule covers its subcommands too. */
  changePerm(command: AclCommand, allow: boolean): void {
    this.setBit(command.id, allow);
    this.firstArgs?.delete(command.id);
    for (const sub of command.subcommands) this.setBit(sub.id, allow);
  }

  /** ACLSetSelectorCommandBitsForCategoryLogic: every command (and subcommand) in the category. */
  changeCategory(flag: number, allow: boolean, commands: readonly AclCommand[] = this.table.commands): void {
    for (const command of commands) {
      if (command.categories & flag) this.changePerm(command, allow);
      if (command.subcommands.length > 0) this.changeCategory(flag, allow, command.subcommands);
    }
  }

  /** ACLAddAllowedFirstArg: kept as given, compared without case. */
  addFirstArg(id: number, arg: string): void {
    if (!this.firstArgs) this.firstArgs = new Map();
    const list = this.firstArgs.get(id) ?? [];
    if (list.some((a) => a.toLowerCase() === arg.toLowerCase())) return;
    list.push(arg);
    this.firstArgs.set(id, list);
  }

  /** Applies one selector rule (ACLSetSelector); returns why it was refused, if it was. */
  apply(op: string): RuleError | undefined {
    const lower = op.toLowerCase();
    if (lower === 'allkeys' || op === '~*') {
      this.allKeys = true;
      this.keys = [];
    } else if (lower === 'resetkeys') {
      this.allKeys = false;
      this.keys = [];
    } else if (lower === 'allchannels' || op === '&*') {
      this.allChannels = true;
      this.channels = [];
    } else if (lower === 'resetchannels') {
      this.allChannels = false;
      this.channels = [];
    } else if (lower === 'allcommands' || lower === '+@all') {
      this.allowed.fill(1);
      this.allCommands = true;
      this.future = true;
      this.firstArgs = undefined;
    } else if (lower === 'nocommands' || lower === '-@all') {
      this.allowed.fill(0);
      this.allCommands = false;
      this.future = false;
      this.firstArgs = undefined;
    } else if (op[0] === '~' || op[0] === '%') {
      return this.addKeyPattern(op);
    } else if (op[0] === '&') {
      return this.addChannelPattern(op.slice(1));
    } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
      const flag = categoryFlag(op.slice(2));
      if (!flag) return 'unknown-command';
      this.changeCategory(flag, op[0] === '+');
    } else if (op[0] === '+') {
      return this.allowCommand(op.slice(1));
    } else if (op[0] === '-') {
      const command = this.table.lookupRuleName(op.slice(1));
      if (!command) return 'unknown-command';
      this.changePerm(command, false);
    } else {
      return 'syntax';
    }
    return undefined;
  }

  /** `~pattern`, `%R~pattern`, `%W~pattern`, `%RW~pattern`; the same pattern again gains permissions. */
  private addKeyPattern(op: string): RuleError | undefined {
    if (this.allKeys) return 'keys-after-all';
    let flags = 0;
    let offset = 1;
    if (op[0] === '%') {
      for (; offset < op.length; offset++) {
        const c = op[offset]!.toUpperCase();
        if (c === 'R' && !(flags & KEY_READ)) flags |= KEY_READ;
        else if (c === 'W' && !(flags & KEY_WRITE)) flags |= KEY_WRITE;
        else if (op[offset] === '~') {
          offset++;
          break;
        } else return 'syntax';
      }
      // redis-server 7.0.15 as shipped refuses `%~x` and `%`, a pattern that grants nothing.
      if (flags === 0) return 'syntax';
    } else {
      flags = KEY_ALL;
    }
    const pattern = op.slice(offset);
    if (hasSpaces(pattern)) return 'syntax';
    const existing = this.keys.find((k) => k.pattern === pattern);
    if (existing) existing.flags |= flags;
    else this.keys.push({ pattern, flags });
    this.allKeys = false;
    return undefined;
  }

  private addChannelPattern(pattern: string): RuleError | undefined {
    if (this.allChannels) return 'channels-after-all';
    if (hasSpaces(pattern)) return 'syntax';
    if (!this.channels.includes(pattern)) this.channels.push(pattern);
    this.allChannels = false;
    return undefined;
  }

  /** `+cmd`, `+container|sub`, or `+cmd|first-arg` for a command without subcommands. */
  private allowCommand(name: string): RuleError | undefined {
    const bar = name.lastIndexOf('|');
    if (bar < 0) {
      const command = this.table.lookupRuleName(name);
      if (!command) return 'unknown-command';
      this.changePerm(command, true);
      return undefined;
    }
    const command = this.table.lookupRuleName(name.slice(0, bar));
    const arg = name.slice(bar + 1);
    if (!command) return 'unknown-command';
    if (command.parent) return 'subcommand-first-arg';
    if (arg === '') return 'syntax';
    if (command.subcommands.length > 0) {
      const sub = this.table.lookupRuleName(name);
      if (!sub) return 'unknown-command';
      this.changePerm(sub, true);
    } else {
      this.addFirstArg(command.id, arg);
    }
    return undefined;
  }
}
