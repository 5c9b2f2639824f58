// The ACL command family (acl.c aclCommand): one container with redis-server 7.0's subcommands,
// arities and flags. The users, rules, checks and log live in src/server/acl/.

import { command, type CommandSpec } from '../../base/command-spec.js';
import { helpReply } from '../../base/help.js';
import { aclCat, aclDryrun, aclGenpass, aclLoad, aclLog, aclSave } from './acl-tools.js';
import { aclDeluser, aclGetuser, aclList, aclSetuser, aclUsers, aclWhoami } from './user-commands.js';

const HELP = [
  'CAT [<category>]',
  '    List all commands that belong to <category>, or all command categories',
  '    when no category is specified.',
  'DELUSER <username> [<username> ...]',
  '    Delete a list of users.',
  'DRYRUN <username> <command> [<arg> ...]',
  '    Returns whether the user can execute the given command without executing the command.',
  'GETUSER <username>',
  "    Get the user's details.",
  'GENPASS [<bits>]',
  '    Generate a secure 256-bit user password. The optional `bits` argument can',
  '    be used to specify a different size.',
  'LIST',
  '    Show users details in config file format.',
  'LOAD',
  '    Reload users from the ACL file.',
  'LOG [<count> | RESET]',
  '    Show the ACL log entries.',
  'SAVE',
  '    Save the current config to the ACL file.',
  'SETUSER <username> <attribute> [<attribute> ...]',
  '    Create or modify a user with the specified attributes.',
  'USERS',
  '    List all the registered usernames.',
  'WHOAMI',
  '    Return the current connection username.',
];

const ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const;
const OPEN = ['noscript', 'loading', 'stale'] as const;

export const aclCommands: CommandSpec[] = [
  command('acl', -2, [], () => null, undefined, {
    summary: 'A container for Access List Control commands',
    subcommands: [
      command('cat', -2, OPEN, aclCat, undefined, { summary: 'List the ACL categories or the commands inside a category' }),
      command('deluser', -3, ADMIN, aclDeluser, undefined, { summary: 'Remove the specified ACL users and the associated rules' }),
      command('dryrun', -4, ADMIN, aclDryrun, undefined, {
        summary: 'Returns whether the user can execute the given command without executing the command.',
      }),
      command('genpass', -2, OPEN, aclGenpass, undefined, { summary: 'Generate a pseudorandom secure password to use for ACL users' }),
      command('getuser', 3, ADMIN, aclGetuser, undefined, { summary: 'Get the rules for a specific ACL user' }),
      command('help', 2, ['loading', 'stale'], () => helpReply('ACL', HELP), undefined, {
        summary: 'Show helpful text about the different subcommands',
      }),
      command('list', 2, ADMIN, aclList, undefined, { summary: 'List the current ACL rules in ACL config file format' }),
      command('load', 2, ADMIN, aclLoad, undefined, { summary: 'Reload the ACLs from the configured ACL file' }),
      command('log', -2, ADMIN, aclLog, undefined, { summary: 'List latest events denied because of ACLs in place' }),
      command('save', 2, ADMIN, aclSave, undefined, { summary: 'Save the current ACL rules in the configured ACL file' }),
      command('setuser', -3, ADMIN, aclSetuser, undefined, { summary: 'Modify or create the rules for a specific ACL user' }),
      command('users', 2, ADMIN, aclUsers, undefined, { summary: 'List the username of all the configured ACL rules' }),
      command('whoami', 2, OPEN, aclWhoami, undefined, { summary: 'Return the name of the user associated to the current connection' }),
    ],
  }),
];
