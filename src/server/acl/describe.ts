// Users and selectors written back as rules (acl.c ACLDescribeUser, ACLDescribeSelector,
// ACLDescribeSelectorCommandRules): what ACL LIST, ACL GETUSER, ACL SAVE and CONFIG REWRITE show.
// The command part starts from +@all or -@all, adds the categories that best fit the bitmap, then
// single commands for what is left. Redis walks its command dict in hash order, which is random per
// process, so its single-command rules come in no fixed order; ours come in name order.

import { CATEGORY_NAMES, type AclCommand } from './command-table.js';
import { KEY_ALL, KEY_READ, KEY_WRITE, Selector, type KeyPattern } from './selector.js';
import { USER_FLAGS, type AclUser } from './user.js';

/** Commands in the category that the selector allows (on) and does not (off). */
function countCategory(selector: Selector, flag: number): { on: number; off: number } {
  let on = 0;
  let off = 0;
  for (const command of selector.table.walk()) {
    if (!(command.categories & flag)) continue;
    if (selector.allowed[command.id]) on++;
    else off++;
  }
  return { on, off };
}

/**
 * The category that best narrows the difference between `temp` (what is left to describe) and the
 * starting point: more commands in common than different, fewest differences, then most in common.
 */
function bestCategory(temp: Selector, additive: boolean, applied: boolean[]): number {
  let best = -1;
  let minDiff = Number.MAX_SAFE_INTEGER;
  let maxSame = 0;
  CATEGORY_NAMES.forEach((_, j) => {
    if (applied[j]) return;
    const { on, off } = countCategory(temp, 1 << j);
    const diff = additive ? off : on;
    const same = additive ? on : off;
    if (same > diff && (diff < minDiff || (diff === minDiff && same > maxSame))) {
      best = j;
      minDiff = diff;
      maxSame = same;
    }
  });
  return best;
}

/** The single-command rules that make `fake` equal `selector`, containers before their subcommands. */
function singleCommandRules(selector: Selector, fake: Selector, commands: readonly AclCommand[], rules: string[]): void {
  for (const command of commands) {
    const allowed = selector.allowed[command.id] === 1;
    if (allowed !== (fake.allowed[command.id] === 1)) {
      rules.push(`${allowed ? '+' : '-'}${command.fullName}`);
      fake.changePerm(command, allowed);
    }
    if (command.subcommands.length > 0) singleCommandRules(selector, fake, command.subcommands, rules);
    const firstArgs = allowed ? undefined : selector.firstArgs?.get(command.id);
    for (const arg of firstArgs ?? []) rules.push(`+${command.fullName}|${arg}`);
  }
}

/** ACLDescribeSelectorCommandRules: `+@all -debug`, `-@all +@hash +select|0`. */
export function describeCommandRules(selector: Selector): string {
  const additive = !selector.future;
  const start = additive ? '-@all' : '+@all';
  const rules = [start];
  const fake = new Selector(selector.table, false, false);
  fake.apply(start);
  const temp = new Selector(selector.table, false, false);
  temp.allowed = selector.allowed.slice();
  const applied = CATEGORY_NAMES.map(() => false);
  for (;;) {
    const best = bestCategory(temp, additive, applied);
    if (best < 0) break;
    const name = CATEGORY_NAMES[best]!;
    fake.apply(`${additive ? '+' : '-'}@${name}`);
    temp.apply(`${additive ? '-' : '+'}@${name}`);
    rules.push(`${additive ? '+' : '-'}@${name}`);
    applied[best] = true;
  }
  singleCommandRules(selector, fake, selector.table.commands, rules);
  return rules.join(' ');
}

/** `~p`, `%R~p` or `%W~p` (sdsCatPatternString). */
export function keyPatternRule(key: KeyPattern): string {
  if (key.flags === KEY_ALL) return `~${key.pattern}`;
  if (key.flags === KEY_READ) return `%R~${key.pattern}`;
  if (key.flags === KEY_WRITE) return `%W~${key.pattern}`;
  throw new Error(`invalid key pattern flags ${key.flags}`);
}

/** ACLDescribeSelector: keys, channels, then command rules. */
export function describeSelector(selector: Selector): string {
  const parts: string[] = [];
  if (selector.allKeys) parts.push('~*');
  else parts.push(...selector.keys.map(keyPatternRule));
  if (selector.allChannels) parts.push('&*');
  else parts.push('resetchannels', ...selector.channels.map((c) => `&${c}`));
  parts.push(describeCommandRules(selector));
  return parts.join(' ');
}

/** ACLDescribeUser: flags, `#hash` passwords, the root selector, then ` (selector)` for the others. */
export function describeUser(user: AclUser): string {
  let text = '';
  for (const flag of USER_FLAGS) if (user.flags.has(flag)) text += `${flag} `;
  for (const hash of user.passwords) text += `#${hash} `;
  text += describeSelector(user.root);
  for (const selector of user.selectors.slice(1)) text += ` (${describeSelector(selector)})`;
  return text;
}

/** The `keys` field of ACL GETUSER: `~*`, or the patterns separated by spaces. */
export function describeKeys(selector: Selector): string {
  return selector.allKeys ? '~*' : selector.keys.map(keyPatternRule).join(' ');
}

/** The `channels` field of ACL GETUSER: `&*`, or the patterns separated by spaces. */
export function describeChannels(selector: Selector): string {
  return selector.allChannels ? '&*' : selector.channels.map((c) => `&${c}`).join(' ');
}
