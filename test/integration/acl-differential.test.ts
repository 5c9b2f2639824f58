// Differential test of ACL: the same sequences on redis-server 7.0 and on our node. Rules (ACL
// SETUSER replies, ACL LIST, GETUSER), ACL CAT, DRYRUN decisions, AUTH / HELLO AUTH, NOPERM texts,
// MULTI/EXEC with rules changed before EXEC, the ACL log (shape and fields), the clients revoked
// channels, DELUSER and CLIENT KILL USER disconnect, requirepass, and a sentinel's limited user.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { hasRedis, startNode, type NodeProcess } from '../helpers/processes.js';
import { RawClient, resp } from '../helpers/raw-client.js';
import { clientFields, isOwnCommand, logEntries, normalizeReply, run, session, type Arg } from './acl-helpers.js';

const RULES: string[][] = [
  ['~*'], ['~*', '~a'], ['allkeys', '~a'], ['&*', '&x'], ['+@all', '-get'], ['+@all', '-@all'],
  ['+select|0', '+select|1', '+SELECT|0'], ['+select|0', '-select'], ['+select|0', '+@all'], ['+config|get'],
  ['+config|get|x'], ['+config|'], ['+config|zz'], ['-select|0'], ['+@ALL'], ['+@String'], ['-@hash', '+get'],
  ['+@all', '-config', '+config|get'], ['~a', '~a', '%R~a'], ['%R~a', '~a'], ['%R', '%W~b', '%RW~c', '%WR~d'],
  ['%~foo'], ['%RR~x'], ['~a b'], ['nopass'], ['>x', 'nopass'], ['nopass', '>x'], ['<x'], ['>x', '<x'], ['#abc'], ['!abc'],
  ['skip-sanitize-payload', 'on'], ['(+get ~k)'], ['(+get'], ['(', '+get', '~k', ')'], ['(on)'], ['(+get)', 'clearselectors'],
  ['()'], ['(+get ~k', '&c)', '(%R~x +@read)'], ['bogus'], ['+'], ['+@nosuch'], ['&a', '&b', '&a'],
  ['-@all', '+@slow'], ['+@all', '-@admin'], ['+@all', '-@admin', '-@dangerous', '+@keyspace', '-@write'],
  ['-@all', '+@read', '+@write', '-@dangerous', '+@hash', '-hset'], ['-@all', '+@pubsub', '+@connection', '-ping', '+client'],
  ['-@all', '+client|list', '+client|kill', '+info', '+config|get', '+acl|whoami', '+cluster', '-cluster'],
  ['+@all', '-client', '+client|id', '-@blocking'], ['-@all', '+debug|digest', '+select|0', '+get'],
];

const DRYRUN_USERS: Arg[][] = [
  ['u', 'on', '>p', '~k*', '%R~r*', '%W~w*', '&ch*', '+@all', '(~x* +get &y*)'],
  ['v', 'on', 'nopass', '-@all', '+select|0', '+debug|digest', '+get', '~*'],
  ['w', '-@all', '(+get ~a*)', '(+set ~b*)'],
  ['c', '+@all', '~k', '&c', '(-@all +get ~*)'],
];

const DRYRUNS: Arg[][] = [
  ['u', 'get', 'k1'], ['u', 'get', 'x1'], ['u', 'set', 'r1', 'v'], ['u', 'set', 'w1', 'v'], ['u', 'get', 'w1'],
  ['u', 'mset', 'k1', 'v', 'zz', 'v'], ['u', 'copy', 'w1', 'r1'], ['u', 'publish', 'ch1', 'm'], ['u', 'publish', 'x', 'm'],
  ['u', 'subscribe', 'ch1', 'x'], ['u', 'psubscribe', 'ch*'], ['u', 'psubscribe', 'ch1*'], ['u', 'unsubscribe', 'zz'],
  ['u', 'sort', 'k1', 'store', 'zz'], ['u', 'eval', 'return 1', 1, 'zz'], ['u', 'lmove', 'k1', 'zz', 'left', 'right'],
  ['u', 'xread', 'streams', 'k1', 'zz', 0, 0], ['u', 'spublish', 'q', 'm'], ['v', 'select', 0], ['v', 'select', 1],
  ['v', 'debug', 'DIGEST'], ['v', 'debug', 'sleep', 0], ['v', 'hello'], ['v', 'set', 'k', 'v'], ['w', 'get', 'zz'],
  ['w', 'lpush', 'a1', 'x'], ['w', 'set', 'b1', 'v'], ['c', 'publish', 'q', 'm'], ['c', 'set', 'q', 'v'],
  ['nobody', 'get', 'x'], ['v', 'nosuch'], ['v', 'get'], ['v', 'config'], ['v', 'config', 'foo'],
];

describe.skipIf(!hasRedis())('ACL: our node answers like redis-server 7.0', () => {
  let ours: NodeProcess;
  let theirs: NodeProcess;
  let admins: Redis[];
  const opened: { disconnect(): void }[] = [];

  /** Runs a command on both admin connections; returns [ours, theirs]. */
  const both = (...cmd: Arg[]) => Promise.all(admins.map((c) => run(c, ...cmd)));
  const expectSame = async (...cmd: Arg[]) => {
    const [a, b] = await both(...cmd);
    expect(normalizeReply(a), cmd.join(' ')).toEqual(normalizeReply(b));
    return a;
  };
  /** One fresh connection per server, closed after the test. */
  const sessions = async () => {
    const pair = await Promise.all([ours, theirs].map((n) => session(n.port)));
    opened.push(...pair);
    return pair;
  };

  beforeAll(async () => {
    [ours, theirs] = await Promise.all([startNode(), startNode({ engine: 'redis' })]);
    admins = await Promise.all([ours, theirs].map((n) => session(n.port)));
  });
  afterAll(async () => {
    for (const c of admins ?? []) c.disconnect();
    await Promise.all([ours?.stop(), theirs?.stop()]);
  });
  beforeEach(async () => {
    for (const c of opened.splice(0)) c.disconnect();
    for (const admin of admins) {
      const users = (await run(admin, 'ACL', 'USERS')) as string[];
      const others = users.filter((u) => u !== 'default');
      if (others.length > 0) await run(admin, 'ACL', 'DELUSER', ...others);
      await run(admin, 'ACL', 'LOG', 'RESET');
    }
  });

  it('applies and describes rules alike: SETUSER, ACL LIST, GETUSER', async () => {
    for (const rules of RULES) {
      await expectSame('ACL', 'SETUSER', 'z', 'reset', ...rules);
      await expectSame('ACL', 'GETUSER', 'z');
      await expectSame('ACL', 'LIST');
    }
    await expectSame('ACL', 'SETUSER', 'a b');
    await expectSame('ACL', 'DELUSER', 'default');
    await expectSame('ACL', 'DELUSER', 'z', 'nobody');
    await expectSame('ACL', 'GETUSER', 'nobody');
    await expectSame('ACL', 'USERS');
  });

  it('lists the same categories and commands in them (ours adds its own commands)', async () => {
    const categories = (await expectSame('ACL', 'CAT')) as string[];
    for (const category of categories) {
      const [a, b] = (await both('ACL', 'CAT', category)) as string[][];
      expect(a.filter((name) => !isOwnCommand(name)).sort(), category).toEqual([...b].sort());
    }
    for (const cmd of [['CAT', 'nope'], ['CAT', 'a', 'b'], ['GENPASS', 0], ['GENPASS', 5000], ['GENPASS', 'x'], ['LOG', -1], ['LOG', 'x'], ['HELP'], ['LOAD'], ['SAVE'], ['FOO']]) {
      await expectSame('ACL', ...cmd);
    }
    const [a, b] = (await both('ACL', 'GENPASS', 9)) as string[];
    expect([a!.length, /^[0-9a-f]+$/.test(a!)]).toEqual([b!.length, true]);
  });

  it('decides ACL DRYRUN alike: commands, first arguments, keys, channels, selectors', async () => {
    for (const user of DRYRUN_USERS) await expectSame('ACL', 'SETUSER', ...user);
    for (const line of DRYRUNS) await expectSame('ACL', 'DRYRUN', ...line);
  });

  it('authenticates alike and refuses with the same NOPERM texts and ACL LOG entries', async () => {
    await expectSame('ACL', 'SETUSER', 'u', 'on', '>p', '-@all', '+get', '+publish', '+subscribe', '+multi', '+exec', '+acl|whoami', '~k*', '&ch*');
    await expectSame('ACL', 'SETUSER', 'off1', 'off', '>p', '+@all', '~*');
    const [a, b] = await sessions();
    const steps: Arg[][] = [
      ['AUTH', 'foo'], ['AUTH', 'default', 'foo'], ['AUTH', 'u', 'wrong'], ['AUTH', 'off1', 'p'], ['AUTH', 'nobody', 'p'],
      ['AUTH', 'a', 'b', 'c'], ['HELLO', 2, 'AUTH', 'u', 'wrong'], ['ACL', 'WHOAMI'], ['HELLO', 2, 'AUTH', 'u', 'p', 'SETNAME', 'me'],
      ['ACL', 'WHOAMI'], ['CLIENT', 'GETNAME'], ['GET', 'k1'], ['GET', 'zz'], ['GET', 'zz'], ['SET', 'k1', 'v'], ['CONFIG', 'GET', 'port'], ['PUBLISH', 'zz', 'm'],
      ['PUBLISH', 'ch1', 'm'], ['MULTI'], ['GET', 'zz'], ['SET', 'k', 'v'], ['EXEC'],
    ];
    for (const step of steps) {
      const [x, y] = [await run(a!, ...step), await run(b!, ...step)];
      // HELLO's map holds the connection id: compared by the fields both must agree on.
      if (step[0] === 'HELLO' && Array.isArray(x)) expect([x[0], x[5], x.length]).toEqual([(y as unknown[])[0], (y as unknown[])[5], (y as unknown[]).length]);
      else expect(x, step.join(' ')).toEqual(y);
    }
    const [logA, logB] = await both('ACL', 'LOG');
    expect(logEntries(logA)).toEqual(logEntries(logB));
    expect(logEntries(logA).length).toBe(10);
    const [twoA, twoB] = await both('ACL', 'LOG', 2);
    expect(logEntries(twoA)).toEqual(logEntries(twoB));
    expect(logEntries(twoA)).toHaveLength(2);
    const [listA, listB] = (await Promise.all([run(a!, 'CLIENT', 'LIST'), run(b!, 'CLIENT', 'LIST')])) as unknown[];
    expect(listA).toEqual(expect.objectContaining({ error: expect.stringMatching(/^NOPERM/) }));
    expect(listA).toEqual(listB);
  });

  it('checks queued commands again at EXEC when the rules changed meanwhile', async () => {
    await expectSame('ACL', 'SETUSER', 'm', 'on', 'nopass', '+@all', '~*', '&*');
    const [a, b] = await sessions();
    for (const step of [['AUTH', 'm', 'x'], ['MULTI'], ['SET', 'a', 1], ['SET', 'b', 2], ['PUBLISH', 'c', 'm'], ['CONFIG', 'GET', 'port'], ['GET', 'a']]) {
      expect(await run(a!, ...step)).toEqual(await run(b!, ...step));
    }
    await expectSame('ACL', 'SETUSER', 'm', 'resetkeys', '~a', 'resetchannels', '-config');
    expect(await run(a!, 'EXEC')).toEqual(await run(b!, 'EXEC'));
    await expectSame('EXISTS', 'a', 'b');
    const [logA, logB] = await both('ACL', 'LOG');
    expect(logEntries(logA)).toEqual(logEntries(logB));
    await both('DEL', 'a', 'b');
  });

  it('disconnects subscribers whose channels are revoked, and keeps the others', async () => {
    await expectSame('ACL', 'SETUSER', 'sub', 'on', 'nopass', '+@all', '~*', '&news.*', '&other');
    const keep: RawClient[] = [];
    const lose: RawClient[] = [];
    for (const node of [ours, theirs]) {
      const k = await RawClient.open(node.port);
      const l = await RawClient.open(node.port);
      await k.send(resp('AUTH', 'sub', 'x') + resp('PSUBSCRIBE', 'news.*'));
      await l.send(resp('AUTH', 'sub', 'x') + resp('SUBSCRIBE', 'other'));
      await k.waitFor('psubscribe', (t) => t.includes('psubscribe'));
      await l.waitFor('subscribe', (t) => t.includes('subscribe'));
      keep.push(k);
      lose.push(l);
    }
    await expectSame('ACL', 'SETUSER', 'sub', '&more');
    await expectSame('ACL', 'SETUSER', 'sub', 'resetchannels', '&news.*', '&more');
    for (const l of lose) await l.waitClosed();
    for (const k of keep) {
      await k.send(resp('PING'));
      await k.waitFor('pong', (t) => t.includes('pong'));
      expect(k.closed).toBe(false);
      k.destroy();
    }
  });

  it('disconnects clients of deleted users; CLIENT KILL USER and CLIENT LIST user= agree', async () => {
    await expectSame('ACL', 'SETUSER', 'gone', 'on', 'nopass', '+@all', '~*');
    const pairs = [await sessions(), await sessions()];
    for (const pair of pairs) for (const c of pair) await run(c!, 'AUTH', 'gone', 'x');
    const lines = (await Promise.all(pairs[0]!.map((c) => run(c!, 'CLIENT', 'INFO')))) as string[];
    expect(clientFields(lines[0]!)).toEqual(clientFields(lines[1]!));
    expect(clientFields(lines[0]!).user).toBe('gone');
    await expectSame('CLIENT', 'KILL', 'USER', 'nobody');
    await expectSame('CLIENT', 'KILL', 'USER', 'gone');
    await Promise.all(pairs[0]!.map((c) => new Promise((resolve) => (c!.status === 'end' ? resolve(0) : c!.once('end', resolve)))));
    const raws = await Promise.all([ours, theirs].map((n) => RawClient.open(n.port)));
    for (const r of raws) await r.send(resp('AUTH', 'gone', 'x'));
    for (const r of raws) await r.waitFor('+OK', (t) => t.startsWith('+OK'));
    await expectSame('ACL', 'DELUSER', 'gone');
    for (const r of raws) await r.waitClosed();
  });

  it('makes requirepass the default user password', async () => {
    try {
      await expectSame('CONFIG', 'SET', 'requirepass', 'secret');
      await expectSame('ACL', 'GETUSER', 'default');
      const [a, b] = await sessions();
      for (const step of [['GET', 'k'], ['AUTH', 'nope'], ['HELLO', 3], ['AUTH', 'secret'], ['ACL', 'WHOAMI'], ['AUTH', 'default', 'secret']]) {
        expect(await run(a!, ...step), step.join(' ')).toEqual(await run(b!, ...step));
      }
      await expectSame('ACL', 'SETUSER', 'default', '>second');
      await expectSame('CONFIG', 'GET', 'requirepass');
    } finally {
      await both('CONFIG', 'SET', 'requirepass', '');
    }
    await expectSame('ACL', 'LIST');
  });

  it("lets a sentinel's limited user do what a sentinel does, and nothing more", async () => {
    const rules = ['on', '>spw', 'allchannels', '+multi', '+slaveof', '+ping', '+exec', '+subscribe', '+config|rewrite', '+role', '+publish', '+info', '+client|setname', '+client|kill', '+script|kill'];
    await expectSame('ACL', 'SETUSER', 'sentinel-user', ...rules);
    const [a, b] = await sessions();
    const steps: Arg[][] = [
      // (A hello is not published here: our node's fence would start waiting for that sentinel.)
      ['AUTH', 'sentinel-user', 'spw'], ['CLIENT', 'SETNAME', 'sentinel-1-cmd'], ['PING'], ['PUBLISH', 'some-channel', 'x'],
      ['MULTI'], ['SLAVEOF', 'NO', 'ONE'], ['CONFIG', 'REWRITE'], ['CLIENT', 'KILL', 'TYPE', 'pubsub'], ['EXEC'],
      ['GET', 'k'], ['CONFIG', 'SET', 'port', 1], ['FLUSHALL'],
    ];
    for (const step of steps) expect(await run(a!, ...step), step.join(' ')).toEqual(await run(b!, ...step));
    const [roleA, roleB] = (await Promise.all([run(a!, 'ROLE'), run(b!, 'ROLE')])) as unknown[][];
    expect(roleA![0]).toEqual(roleB![0]);
    const [infoA, infoB] = (await Promise.all([run(a!, 'INFO', 'replication'), run(b!, 'INFO', 'replication')])) as string[];
    expect([infoA!.startsWith('# Replication'), infoB!.startsWith('# Replication')]).toEqual([true, true]);
    const subscribers = await Promise.all([ours, theirs].map((n) => RawClient.open(n.port)));
    for (const sub of subscribers) {
      await sub.send(resp('AUTH', 'sentinel-user', 'spw') + resp('SUBSCRIBE', '__sentinel__:hello'));
      await sub.waitFor('the subscription', (t) => t.endsWith(':1\r\n'));
    }
    expect(subscribers[0]!.text()).toBe(subscribers[1]!.text());
    for (const sub of subscribers) sub.destroy();
    // Our sentinels also send FENCING: granted the same way on our node.
    await run(admins[0]!, 'ACL', 'SETUSER', 'sentinel-user', '+fencing');
    expect(await run(admins[0]!, 'ACL', 'DRYRUN', 'sentinel-user', 'FENCING', 'LEASE', 2000)).toBe('OK');
  });
});
