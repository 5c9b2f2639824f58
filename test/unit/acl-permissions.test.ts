// Permission decisions (acl/permissions.ts): commands, first arguments, keys by the access their key
// specs declare, channels, several selectors and which refusal is reported; the expected answers
// are redis-server 7.0.15's ACL DRYRUN for the same users and lines.

import { describe, expect, it } from 'vitest';
import { aclCommandTable } from '../../src/server/acl/command-table.js';
import { allowsWithEveryKey, checkCommand } from '../../src/server/acl/permissions.js';
import { KEY_READ } from '../../src/server/acl/selector.js';
import { applyRules } from '../../src/server/acl/set-user.js';
import { AclUser } from '../../src/server/acl/user.js';

const table = aclCommandTable();

function user(...rules: string[]): AclUser {
  const u = new AclUser('u', table, () => false);
  const error = applyRules(u, rules);
  if (error) throw new Error(error);
  return u;
}

/** ACL DRYRUN's answer: OK or the refusal named as DRYRUN words it. */
function dryrun(u: AclUser, ...line: string[]): string {
  const command = table.lookupArgs(line)!;
  const refusal = checkCommand(u, command, line);
  if (!refusal) return 'OK';
  return refusal.reason === 'command' ? `command ${command.fullName}` : `${refusal.reason} ${line[refusal.pos]}`;
}

describe('ACL permission decisions', () => {
  const u = user('on', '>p', '~k*', '%R~r*', '%W~w*', '&ch*', '+@all', '(~x* +get &y*)');

  it.each([
    [['get', 'k1'], 'OK'],
    [['get', 'x1'], 'OK'],
    [['get', 'r1'], 'OK'],
    [['set', 'r1', 'v'], 'key r1'],
    [['set', 'w1', 'v'], 'OK'],
    [['get', 'w1'], 'key w1'],
    [['get', 'zz'], 'key zz'],
    [['mset', 'k1', 'v', 'zz', 'v'], 'key zz'],
    [['copy', 'r1', 'w1'], 'OK'],
    [['copy', 'w1', 'r1'], 'key w1'],
    [['publish', 'ch1', 'm'], 'OK'],
    [['publish', 'x', 'm'], 'channel x'],
    [['subscribe', 'ch1', 'x'], 'channel x'],
    [['psubscribe', 'ch*'], 'OK'],
    [['psubscribe', 'ch1*'], 'channel ch1*'],
    [['unsubscribe', 'zz'], 'OK'],
    [['spublish', 'q', 'm'], 'channel q'],
    [['eval', 'return 1', '1', 'zz'], 'key zz'],
    [['eval', 'return 1', '0'], 'OK'],
    [['lmove', 'k1', 'zz', 'left', 'right'], 'key zz'],
    [['xread', 'streams', 'k1', 'zz', '0', '0'], 'key zz'],
    [['sort', 'k1', 'store', 'zz'], 'key zz'],
  ])('%j', (line, expected) => {
    expect(dryrun(u, ...line)).toBe(expected);
  });

  it('allows a first argument of a blocked command, and no_auth commands always', () => {
    const v = user('on', 'nopass', '-@all', '+select|0', '+debug|digest', '+get', '~*');
    expect(dryrun(v, 'select', '0')).toBe('OK');
    expect(dryrun(v, 'select', '1')).toBe('command select');
    expect(dryrun(v, 'debug', 'DIGEST')).toBe('OK');
    expect(dryrun(v, 'debug', 'sleep', '0')).toBe('command debug');
    expect(dryrun(v, 'hello')).toBe('OK');
    expect(dryrun(v, 'auth', 'a', 'b')).toBe('OK');
    expect(dryrun(v, 'set', 'k', 'v')).toBe('command set');
  });

  it('reports the most relevant refusal over several selectors', () => {
    // Root refuses the command, the selector the key: the key is reported.
    const w = user('-@all', '(+get ~a*)', '(+set ~b*)');
    expect(dryrun(w, 'get', 'zz')).toBe('key zz');
    expect(dryrun(w, 'lpush', 'a1', 'x')).toBe('command lpush');
    expect(dryrun(w, 'get', 'a1')).toBe('OK');
    expect(dryrun(w, 'set', 'b1', 'v')).toBe('OK');
    // A key or channel refusal outranks a command refusal of another selector.
    const c = user('+@all', '~k', '&c', '(-@all +get ~*)');
    expect(dryrun(c, 'publish', 'q', 'm')).toBe('channel q');
    expect(dryrun(c, 'get', 'q')).toBe('OK');
    expect(dryrun(c, 'set', 'q', 'v')).toBe('key q');
  });

  it('needs read access to every key for SORT BY / GET patterns', () => {
    const sortLine = ['sort', 'k', 'by', 'w_*'];
    const sort = table.get('sort')!;
    expect(allowsWithEveryKey(user('+@all', '~*'), sort, sortLine, KEY_READ)).toBe(true);
    expect(allowsWithEveryKey(user('+@all', '%R~*'), sort, sortLine, KEY_READ)).toBe(true);
    expect(allowsWithEveryKey(user('+@all', '~k*'), sort, sortLine, KEY_READ)).toBe(false);
    expect(allowsWithEveryKey(null, sort, sortLine, KEY_READ)).toBe(true);
  });

  it('lets a null user (the master link) and a user with everything run anything', () => {
    expect(checkCommand(null, table.get('flushall')!, ['flushall'])).toBeUndefined();
    const all = user('+@all', '~*', '&*');
    expect(all.fullAccess).toBe(true);
    expect(checkCommand(all, table.get('publish')!, ['publish', 'c', 'm'])).toBeUndefined();
  });
});
