// Users from the configuration (acl.c ACLAppendUserForLoading, ACLLoadUsersAtStartup): `user` lines
// of the config file, checked while the file is read and created once the server exists, or the
// users of the `aclfile`, never both; and the `user` lines CONFIG REWRITE writes back.

import type { Server } from '../server.js';
import type { Acl } from './acl.js';
import { loadAclFile } from './acl-file.js';
import { aclCommandTable } from './command-table.js';
import { describeUser } from './describe.js';
import { mergeSelectorArguments } from './set-user.js';
import { hasSpaces, ruleErrorMessage } from './rule-errors.js';
import { AclUser } from './user.js';

/**
 * Checks a config file's `user <name> <rules...>` line (words after `user`) as Redis does while
 * reading the file: a name given twice, or a rule that cannot apply (unknown commands aside, as they
 * are checked at load). Returns the text after "Error in user declaration", or undefined.
 */
export function checkUserDeclaration(words: readonly string[], seen: Set<string>, allChannelsByDefault: boolean): string | undefined {
  // Redis quotes argv[index] of the whole line but counts the index among the rules: kept as it is.
  const line = ['user', ...words];
  if (seen.has(words[0]!)) return `'${line[1]}': ${ruleErrorMessage('duplicate-user')}`;
  const merged = mergeSelectorArguments(words.slice(1));
  if (!Array.isArray(merged)) return `'${line[merged.unmatched]}': Syntax error`;
  const probe = new AclUser('probe', aclCommandTable(), () => allChannelsByDefault);
  for (let j = 0; j < merged.length; j++) {
    const error = probe.apply(merged[j]!);
    if (error && error !== 'unknown-command') return `'${line[j]}': ${ruleErrorMessage(error)}`;
  }
  seen.add(words[0]!);
  return undefined;
}

/** ACLLoadConfiguredUsers: the config file's users, `default` reset first when redefined. */
function loadConfiguredUsers(server: Server, acl: Acl): boolean {
  for (const [name, ...words] of server.config.users) {
    if (hasSpaces(name!)) {
      server.log.warning('Spaces not allowed in ACL usernames');
      return false;
    }
    let user = acl.getUser(name!);
    if (user) user.apply('reset');
    else acl.addUser((user = acl.newUser(name!)));
    const merged = mergeSelectorArguments(words);
    for (const rule of Array.isArray(merged) ? merged : []) {
      const error = user.apply(rule);
      if (!error) continue;
      server.log.warning(`Error loading ACL rule '${rule}' for the user named '${name}': ${ruleErrorMessage(error)}`);
      return false;
    }
    if (user.flags.has('off')) {
      server.log.notice(
        `The user '${name}' is disabled (there is no 'on' modifier in the user description). Make sure this is not a configuration error.`,
      );
    }
  }
  return true;
}

/**
 * ACLLoadUsersAtStartup: undefined when the users loaded, else the message to stop the node with
 * (Redis exits with status 1).
 */
export function loadUsersAtStartup(server: Server): string | undefined {
  const aclfile = server.config.str('aclfile');
  if (aclfile !== '' && server.config.users.length > 0) {
    return (
      'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. ' +
      'This setup is very likely to lead to configuration errors and security holes, please define either an ACL file ' +
      'or declare users directly in your redis.conf, but not both.'
    );
  }
  if (!loadConfiguredUsers(server, server.acl)) return 'Critical error while loading ACLs. Exiting.';
  if (aclfile === '') return undefined;
  const errors = loadAclFile(server.acl, aclfile);
  return errors === undefined ? undefined : `Aborting Redis startup because of ACL errors: ${errors}`;
}

/**
 * The `user` lines CONFIG REWRITE writes (config.c rewriteConfigUserOption): every user, default
 * included; none when an aclfile holds them (the file's `user` lines are then dropped).
 */
export function userLinesForRewrite(server: Server): string[] {
  if (server.config.str('aclfile') !== '') return [];
  return server.acl.list().map((user) => `user ${user.name} ${describeUser(user)}`);
}
