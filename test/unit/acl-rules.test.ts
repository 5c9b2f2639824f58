// ACL rules and how users are written back (acl/user.ts, selector.ts, describe.ts, set-user.ts):
// each case's expected text is what redis-server 7.0.15 answers to the same ACL SETUSER and ACL
// LIST (single-command rules, which Redis lists in random hash order, in name order here).

import { describe, expect, it } from 'vitest';
import { aclCommandTable } from '../../src/server/acl/command-table.js';
import { describeCommandRules, describeUser } from '../../src/server/acl/describe.js';
import { applyRules, mergeSelectorArguments } from '../../src/server/acl/set-user.js';
import { AclUser } from '../../src/server/acl/user.js';

const table = aclCommandTable();
const HASH_X = '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881';

function userWith(rules: string[], allChannels = false): { user: AclUser; error: string | undefined } {
  const user = new AclUser('z', table, () => allChannels);
  return { user, error: applyRules(user, ['reset', ...rules]) };
}

const describeOf = (rules: string[]) => describeUser(userWith(rules).user);

describe('ACL rules as redis-server 7.0 applies and describes them', () => {
  it.each([
    [['~*'], 'off sanitize-payload ~* resetchannels -@all'],
    [['+@all', '-get'], 'off sanitize-payload resetchannels +@all -get'],
    [['allcommands'], 'off sanitize-payload resetchannels +@all'],
    [['+@all', '-@all'], 'off sanitize-payload resetchannels -@all'],
    [['+select|0', '+select|1', '+SELECT|0'], 'off sanitize-payload resetchannels -@all +select|0 +select|1'],
    [['+select|0', '-select'], 'off sanitize-payload resetchannels -@all'],
    [['+select|0', '+@all'], 'off sanitize-payload resetchannels +@all'],
    [['+config|get'], 'off sanitize-payload resetchannels -@all +config|get'],
    [['+@ALL'], 'off sanitize-payload resetchannels +@all'],
    [['+@String'], 'off sanitize-payload resetchannels -@all +@string'],
    [['-@hash', '+get'], 'off sanitize-payload resetchannels -@all +get'],
    [['-@all', '+acl'], 'off sanitize-payload resetchannels -@all +acl'],
    [['+@all', '-config', '+config|get'], 'off sanitize-payload resetchannels +@all -config +config|get'],
    [['~a', '~a', '%R~a'], 'off sanitize-payload ~a resetchannels -@all'],
    [['%R~a', '~a'], 'off sanitize-payload ~a resetchannels -@all'],
    [['%R', '%W~b', '%WR~c'], 'off sanitize-payload %R~ %W~b ~c resetchannels -@all'],
    [['nopass'], 'off nopass sanitize-payload resetchannels -@all'],
    [['>x', 'nopass'], 'off nopass sanitize-payload resetchannels -@all'],
    [['nopass', '>x'], `off sanitize-payload #${HASH_X} resetchannels -@all`],
    [['>x', '<x'], 'off sanitize-payload resetchannels -@all'],
    [['skip-sanitize-payload', 'on'], 'on skip-sanitize-payload resetchannels -@all'],
    [['(+get ~k)'], 'off sanitize-payload resetchannels -@all (~k resetchannels -@all +get)'],
    [['(', '+get', '~k', ')'], 'off sanitize-payload resetchannels -@all (~k resetchannels -@all +get)'],
    [['(+get)', 'clearselectors'], 'off sanitize-payload resetchannels -@all'],
    [['()'], 'off sanitize-payload resetchannels -@all (resetchannels -@all)'],
    [['&*', '~*', '+@all', 'on'], 'on sanitize-payload ~* &* +@all'],
    [['&a', '&b', '&a'], 'off sanitize-payload resetchannels &a &b -@all'],
    [['-@all', '+@slow'], 'off sanitize-payload resetchannels -@all +@slow'],
    [['+@all', '-@admin'], 'off sanitize-payload resetchannels +@all -@admin'],
    [['-@all', '+client|list', '+client|kill', '+info', '+config|get'], 'off sanitize-payload resetchannels -@all +client|kill +client|list +config|get +info'],
    [['-@all', '+debug|digest', '+select|0', '+get'], 'off sanitize-payload resetchannels -@all +debug|digest +get +select|0'],
    [['+@all', '-@admin', '-@dangerous', '+@keyspace', '-@write'], 'off sanitize-payload resetchannels +@all -@write -@admin -info -sort_ro'],
  ])('%j', (rules, expected) => {
    const { error, user } = userWith(rules);
    expect(error).toBeUndefined();
    expect(describeUser(user)).toBe(expected);
  });

  it.each([
    [['~*', '~a'], "Error in ACL SETUSER modifier '~a': Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns"],
    [['&*', '&x'], "Error in ACL SETUSER modifier '&x': Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels"],
    [['+config|get|x'], "Error in ACL SETUSER modifier '+config|get|x': Allowing first-arg of a subcommand is not supported"],
    [['+config|'], "Error in ACL SETUSER modifier '+config|': Syntax error"],
    [['+config|zz'], "Error in ACL SETUSER modifier '+config|zz': Unknown command or category name in ACL"],
    [['-select|0'], "Error in ACL SETUSER modifier '-select|0': Unknown command or category name in ACL"],
    [['+@nosuch'], "Error in ACL SETUSER modifier '+@nosuch': Unknown command or category name in ACL"],
    [['+'], "Error in ACL SETUSER modifier '+': Unknown command or category name in ACL"],
    [['<x'], "Error in ACL SETUSER modifier '<x': The password you are trying to remove from the user does not exist"],
    [['#abc'], "Error in ACL SETUSER modifier '#abc': The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters"],
    [[`!${HASH_X.toUpperCase()}`], `Error in ACL SETUSER modifier '!${HASH_X.toUpperCase()}': The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters`],
    [['(+get'], "Unmatched parenthesis in acl selector starting at '(+get'."],
    [['(on)'], "Error in ACL SETUSER modifier '(on)': Syntax error"],
    [['%~foo'], "Error in ACL SETUSER modifier '%~foo': Syntax error"],
    [['%RR~x'], "Error in ACL SETUSER modifier '%RR~x': Syntax error"],
    [['~a b'], "Error in ACL SETUSER modifier '~a b': Syntax error"],
    [['bogus'], "Error in ACL SETUSER modifier 'bogus': Syntax error"],
  ])('refuses %j', (rules, message) => {
    expect(userWith(rules).error).toBe(message);
  });

  it('changes nothing when one rule of several is refused', () => {
    const { user } = userWith(['on', '~k']);
    const staged = new AclUser('z', table, () => false);
    staged.copyFrom(user);
    expect(applyRules(staged, ['+get', 'bogus'])).toBeDefined();
    expect(describeUser(user)).toBe('on sanitize-payload ~k resetchannels -@all');
  });

  it('keeps +@all rules able to run future commands until -@all (the reserved bit)', () => {
    const { user } = userWith(['+@all', '-@all', '+@all', '-get', '+get']);
    // -get cleared "all commands", yet the description starts from +@all and adds nothing.
    expect(user.root.allCommands).toBe(false);
    expect(describeCommandRules(user.root)).toBe('+@all');
  });

  it('gives a container rule to all its subcommands, and a category rule to containers in it', () => {
    const { user } = userWith(['-@all', '+@slow']);
    const setuser = table.get('acl|setuser')!;
    // acl is @slow as a container: +@slow allows every ACL subcommand, admin ones included.
    expect(user.root.allowed[setuser.id]).toBe(1);
  });

  it('starts new users and selectors with every channel under acl-pubsub-default allchannels', () => {
    const { user } = userWith(['(+get)'], true);
    expect(describeUser(user)).toBe('off sanitize-payload &* -@all (&* -@all +get)');
  });

  it('joins selectors split over arguments, restarting at a new opening parenthesis', () => {
    expect(mergeSelectorArguments(['on', '(+get', '~k)', 'off'])).toEqual(['on', '(+get ~k)', 'off']);
    expect(mergeSelectorArguments(['(a', '(b', 'c)'])).toEqual(['(b c)']);
    expect(mergeSelectorArguments(['x', '(a', 'b'])).toEqual({ unmatched: 1 });
  });

  it('describes passwords by hash and flags in Redis order', () => {
    expect(describeOf(['on', '>x', `#${HASH_X}`, 'nopass', '>y', 'off', 'on'])).toMatch(/^on sanitize-payload #[0-9a-f]{64} resetchannels -@all$/);
  });
});
