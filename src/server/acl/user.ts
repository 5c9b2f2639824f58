// One ACL user (acl.c struct user): its name, flags (on/off, nopass, payload sanitizing), hashed
// passwords and selectors (the root one first), and the rules that change them (ACLSetUser).

import type { AclCommandTable } from './command-table.js';
import { hashPassword, isValidHash } from './password.js';
import type { RuleError } from './rule-errors.js';
import { Selector } from './selector.js';
import { splitArgs } from '../../shared/resp/request-parser.js';

/** User flags in the order ACL LIST and GETUSER show them (acl.c ACLUserFlags). */
export const USER_FLAGS = ['on', 'off', 'nopass', 'skip-sanitize-payload', 'sanitize-payload'] as const;
export type UserFlag = (typeof USER_FLAGS)[number];

export class AclUser {
  readonly flags = new Set<UserFlag>(['off']);
  passwords: string[] = [];
  /** The root selector first, then those added with `(...)`. */
  selectors: Selector[];
  /** Cached "the root or some selector allows everything" (reset by every change). */
  private unrestricted: boolean | undefined;

  constructor(
    readonly name: string,
    readonly table: AclCommandTable,
    /** acl-pubsub-default allchannels (read when a selector is created or on `reset`). */
    private readonly allChannelsByDefault: () => boolean,
  ) {
    this.selectors = [new Selector(table, true, allChannelsByDefault())];
  }

  get root(): Selector {
    return this.selectors[0]!;
  }

  get enabled(): boolean {
    return this.flags.has('on');
  }

  get nopass(): boolean {
    return this.flags.has('nopass');
  }

  /** True when some selector allows every command, key and channel: no check can refuse. */
  get fullAccess(): boolean {
    if (this.unrestricted === undefined) {
      this.unrestricted = this.selectors.some((s) => s.allCommands && s.allKeys && s.allChannels);
    }
    return this.unrestricted;
  }

  /** ACLCopyUser: the rules of `source`, keeping this user's name. */
  copyFrom(source: AclUser): void {
    this.flags.clear();
    for (const flag of source.flags) this.flags.add(flag);
    this.passwords = [...source.passwords];
    this.selectors = source.selectors.map((s) => s.copy());
    this.unrestricted = undefined;
  }

  /** Applies one user rule (ACLSetUser); returns why it was refused, if it was. */
  apply(op: string): RuleError | undefined {
    this.unrestricted = undefined;
    if (op === '') return undefined;
    switch (op.toLowerCase()) {
      case 'on':
        return this.setFlag('on', 'off');
      case 'off':
        return this.setFlag('off', 'on');
      case 'skip-sanitize-payload':
        return this.setFlag('skip-sanitize-payload', 'sanitize-payload');
      case 'sanitize-payload':
        return this.setFlag('sanitize-payload', 'skip-sanitize-payload');
      case 'nopass':
        this.flags.add('nopass');
        this.passwords = [];
        return undefined;
      case 'resetpass':
        this.flags.delete('nopass');
        this.passwords = [];
        return undefined;
      case 'clearselectors':
        this.selectors = [this.root];
        return undefined;
      case 'reset':
        this.reset();
        return undefined;
    }
    if (op[0] === '>' || op[0] === '#') return this.addPassword(op);
    if (op[0] === '<' || op[0] === '!') return this.removePassword(op);
    if (op[0] === '(' && op[op.length - 1] === ')') return this.addSelector(op);
    return this.root.apply(op);
  }

  private setFlag(on: UserFlag, off: UserFlag): undefined {
    this.flags.add(on);
    this.flags.delete(off);
    return undefined;
  }

  /** `reset`: resetpass resetkeys resetchannels [allchannels] off sanitize-payload clearselectors -@all. */
  private reset(): void {
    for (const op of ['resetpass', 'resetkeys', 'resetchannels']) this.apply(op);
    if (this.allChannelsByDefault()) this.apply('allchannels');
    for (const op of ['off', 'sanitize-payload', 'clearselectors', '-@all']) this.apply(op);
  }

  private addPassword(op: string): RuleError | undefined {
    const value = op.slice(1);
    if (op[0] === '#' && !isValidHash(value)) return 'bad-hash';
    const hash = op[0] === '>' ? hashPassword(value) : value;
    if (!this.passwords.includes(hash)) this.passwords.push(hash);
    this.flags.delete('nopass');
    return undefined;
  }

  private removePassword(op: string): RuleError | undefined {
    const value = op.slice(1);
    if (op[0] === '!' && !isValidHash(value)) return 'bad-hash';
    const hash = op[0] === '<' ? hashPassword(value) : value;
    const index = this.passwords.indexOf(hash);
    if (index < 0) return 'no-such-password';
    this.passwords.splice(index, 1);
    return undefined;
  }

  /** `(rule rule ...)`: a new selector built from the rules inside (aclCreateSelectorFromOpSet). */
  private addSelector(op: string): RuleError | undefined {
    const selector = new Selector(this.table, false, this.allChannelsByDefault());
    // sdssplitargs: quotes allowed inside; unbalanced quotes give no rules at all.
    for (const rule of splitArgs(op.slice(1, -1)) ?? []) {
      const error = selector.apply(rule);
      if (error) return error;
    }
    this.selectors.push(selector);
    return undefined;
  }
}
