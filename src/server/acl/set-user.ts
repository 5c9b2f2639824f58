// ACL SETUSER's all-or-nothing application of rules (acl.c ACLStringSetUser): selectors split over
// several arguments are joined first (ACLMergeSelectorArguments), every rule is tried on a copy of
// the user, and only when all of them apply is the copy written back. Also which channel
// subscriptions a change revokes (ACLKillPubsubClientsIfNeeded's test).

import { channelAllowed } from './permissions.js';
import { ruleErrorMessage } from './rule-errors.js';
import type { AclUser } from './user.js';

/**
 * Joins `(+get` `~k)` into one `(+get ~k)` argument. A `(` argument opened while another is still
 * open starts over, as in Redis. Returns the index of an argument whose `(` is never closed instead.
 */
export function mergeSelectorArguments(args: readonly string[]): string[] | { unmatched: number } {
  const merged: string[] = [];
  let open = -1;
  let selector = '';
  args.forEach((op, j) => {
    if (op[0] === '(' && op[op.length - 1] !== ')') {
      selector = op;
      open = j;
      return;
    }
    if (open !== -1) {
      selector += ` ${op}`;
      if (op[op.length - 1] === ')') {
        open = -1;
        merged.push(selector);
      }
      return;
    }
    merged.push(op);
  });
  return open === -1 ? merged : { unmatched: open };
}

/**
 * Applies `rules` to `staged` (a copy of the user, or a new one) and returns Redis's error text for
 * the first rule refused, or undefined when every rule applied.
 */
export function applyRules(staged: AclUser, rules: readonly string[]): string | undefined {
  const merged = mergeSelectorArguments(rules);
  if (!Array.isArray(merged)) return `Unmatched parenthesis in acl selector starting at '${rules[merged.unmatched]}'.`;
  for (const rule of merged) {
    const error = staged.apply(rule);
    if (error) return `Error in ACL SETUSER modifier '${rule}': ${ruleErrorMessage(error)}`;
  }
  return undefined;
}

/**
 * The channel patterns `updated` allows, when it no longer allows every channel `original` did;
 * undefined when no subscriber of the user can have lost a channel (some selector allows all
 * channels, or every pattern of the original is still there).
 */
export function revokedChannels(updated: AclUser, original: AclUser): string[] | undefined {
  if (updated.selectors.some((s) => s.allChannels)) return undefined;
  const upcoming = updated.selectors.flatMap((s) => s.channels);
  const kept = original.selectors.every((s) => !s.allChannels && s.channels.every((c) => upcoming.includes(c)));
  return kept ? undefined : upcoming;
}

/** True when a subscriber's channels or patterns are not all within `allowed` any more. */
export function subscriptionsRevoked(allowed: readonly string[], channels: Iterable<string>, patterns: Iterable<string>): boolean {
  for (const pattern of patterns) if (!channelAllowed(allowed, pattern, true)) return true;
  for (const channel of channels) if (!channelAllowed(allowed, channel, false)) return true;
  return false;
}
