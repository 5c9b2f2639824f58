// Whether a user may run a command line (acl.c ACLSelectorCheckCmd, ACLCheckAllUserCommandPerm): a
// selector allows it when it allows the command (or its first argument), every key the command's
// key specs name with the access they declare, and every channel it publishes or subscribes to. A
// user is allowed when any selector is; else the most relevant refusal is reported.

import { globMatch } from '../../shared/glob.js';
import { commandHasKeys, commandKeys, type KeyRef } from '../base/key-specs.js';
import type { AclCommand } from './command-table.js';
import { KEY_READ, KEY_WRITE, type Selector } from './selector.js';
import type { AclUser } from './user.js';

/** ACL_DENIED_CMD / _KEY / _CHANNEL, ordered as acl.c numbers them (the larger is more relevant). */
export type Denial = 'command' | 'key' | 'channel';
const RANK: Record<Denial, number> = { command: 1, key: 2, channel: 4 };

export interface Refusal {
  reason: Denial;
  /** The argument index of the key or channel refused (0 for a command). */
  pos: number;
}

/** db.c commands_with_channels: where each pub/sub command names its channels. */
const CHANNEL_COMMANDS: Record<string, { publish: boolean; subscribe: boolean; pattern: boolean; count: number }> = {
  subscribe: { publish: false, subscribe: true, pattern: false, count: -1 },
  ssubscribe: { publish: false, subscribe: true, pattern: false, count: -1 },
  psubscribe: { publish: false, subscribe: true, pattern: true, count: -1 },
  publish: { publish: true, subscribe: false, pattern: false, count: 1 },
  spublish: { publish: true, subscribe: false, pattern: false, count: 1 },
};

/** Keys of one command line, found once for all the selectors (aclKeyResultCache). */
class KeyCache {
  private keys: KeyRef[] | undefined;
  constructor(
    private readonly command: AclCommand,
    private readonly args: readonly string[],
  ) {}
  get(): KeyRef[] {
    if (!this.keys) this.keys = commandKeys(this.command.meta, this.args);
    return this.keys;
  }
}

/** The permissions a key spec's flags ask for (CMD_KEY_ACCESS reads; INSERT/DELETE/UPDATE write). */
function keyAccess(flags: readonly string[]): number {
  let access = 0;
  if (flags.includes('access')) access |= KEY_READ;
  if (flags.includes('insert') || flags.includes('delete') || flags.includes('update')) access |= KEY_WRITE;
  return access;
}

/** ACLSelectorCheckKey. */
export function selectorAllowsKey(selector: Selector, key: string, specFlags: readonly string[]): boolean {
  if (selector.allKeys) return true;
  const access = keyAccess(specFlags);
  return selector.keys.some((p) => (p.flags & access) === access && globMatch(p.pattern, key));
}

/** ACLCheckChannelAgainstList: a pattern subscription must equal an allowed pattern literally. */
export function channelAllowed(allowed: readonly string[], channel: string, isPattern: boolean): boolean {
  return allowed.some((p) => (isPattern ? p === channel : globMatch(p, channel)));
}

function commandAllowed(selector: Selector, command: AclCommand, args: readonly string[]): boolean {
  if (selector.allCommands || command.noAuth || selector.allowed[command.id]) return true;
  const firstArgs = args.length < 2 ? undefined : selector.firstArgs?.get(command.id);
  if (!firstArgs) return false;
  const arg = args[command.parent ? 2 : 1]?.toLowerCase();
  return firstArgs.some((a) => a.toLowerCase() === arg);
}

/** ACLSelectorCheckCmd: undefined when allowed; `at.pos` is set for a refused key or channel. */
function checkSelector(selector: Selector, command: AclCommand, args: readonly string[], keys: KeyCache, at: { pos: number }): Denial | undefined {
  if (!commandAllowed(selector, command, args)) return 'command';
  if (!selector.allKeys && commandHasKeys(command.meta)) {
    for (const key of keys.get()) {
      if (selectorAllowsKey(selector, args[key.pos]!, key.flags)) continue;
      at.pos = key.pos;
      return 'key';
    }
  }
  const channels = CHANNEL_COMMANDS[command.parent ? '' : command.fullName];
  if (!selector.allChannels && channels) {
    const stop = channels.count < 0 ? args.length : Math.min(args.length, 1 + channels.count);
    for (let i = 1; i < stop; i++) {
      if (channelAllowed(selector.channels, args[i]!, channels.pattern)) continue;
      at.pos = i;
      return 'channel';
    }
  }
  return undefined;
}

/**
 * ACLCheckAllUserCommandPerm: undefined when some selector allows the line; else the refusal of
 * the highest rank (channel over key over command), the later argument on a tie. A null user (the
 * master link, a superuser) may run anything.
 */
export function checkCommand(user: AclUser | null, command: AclCommand, args: readonly string[]): Refusal | undefined {
  if (user === null || user.fullAccess) return undefined;
  const keys = new KeyCache(command, args);
  // acl.c shares one position across the selectors: a command refusal keeps the last one seen.
  const at = { pos: 0 };
  let relevant: Denial = 'command';
  let lastPos = 0;
  for (const selector of user.selectors) {
    const denial = checkSelector(selector, command, args, keys, at);
    if (denial === undefined) return undefined;
    if (RANK[denial] > RANK[relevant] || (denial === relevant && at.pos > lastPos)) {
      relevant = denial;
      lastPos = at.pos;
    }
  }
  return { reason: relevant, pos: lastPos };
}

/** ACLSelectorHasUnrestrictedKeyAccess: `~*`, allkeys, or a `*` pattern with the access asked. */
function selectorHasAllKeys(selector: Selector, access: number): boolean {
  if (selector.allKeys) return true;
  return selector.keys.some((p) => (p.flags & access) === access && p.pattern === '*');
}

/**
 * ACLUserCheckCmdWithUnrestrictedKeyAccess: some selector allows the line and reaches every key with
 * `access` (KEY_READ for SORT's BY and GET patterns, which name keys no key spec can list).
 */
export function allowsWithEveryKey(user: AclUser | null, command: AclCommand, args: readonly string[], access: number): boolean {
  if (user === null) return true;
  const keys = new KeyCache(command, args);
  const at = { pos: 0 };
  return user.selectors.some((s) => checkSelector(s, command, args, keys, at) === undefined && selectorHasAllKeys(s, access));
}
