// Why an ACL rule was refused, and the words redis-server 7.0 uses for it (acl.c sets errno in
// ACLSetUser / ACLSetSelector and ACLSetUserStringError turns it into text).

/** The errno values acl.c uses, by meaning. */
export type RuleError =
  /** EINVAL: an unknown rule, or a pattern with spaces. */
  | 'syntax'
  /** ENOENT: an unknown command or category. */
  | 'unknown-command'
  /** EEXIST: a key pattern after allkeys. */
  | 'keys-after-all'
  /** EISDIR: a channel pattern after allchannels. */
  | 'channels-after-all'
  /** ENODEV: removing a password the user does not have. */
  | 'no-such-password'
  /** EBADMSG: a `#`/`!` hash that is not 64 lowercase hex characters. */
  | 'bad-hash'
  /** EALREADY: the same user twice in the config file. */
  | 'duplicate-user'
  /** ECHILD: `+config|get|x`, a first argument of a subcommand. */
  | 'subcommand-first-arg';

const MESSAGES: Record<RuleError, string> = {
  syntax: 'Syntax error',
  'unknown-command': 'Unknown command or category name in ACL',
  'keys-after-all':
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
  'channels-after-all':
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
  'no-such-password': 'The password you are trying to remove from the user does not exist',
  'bad-hash': 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters',
  'duplicate-user': 'Duplicate user found. A user can only be defined once in config files',
  'subcommand-first-arg': 'Allowing first-arg of a subcommand is not supported',
};

/** ACLSetUserStringError. */
export function ruleErrorMessage(error: RuleError): string {
  return MESSAGES[error];
}

/** True for a string with a space, tab, newline, vertical tab, form feed, CR or NUL (ACLStringHasSpaces). */
export function hasSpaces(text: string): boolean {
  return /[ \t\n\v\f\r\0]/.test(text);
}
