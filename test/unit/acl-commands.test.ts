// ACL through the request path on a socket-less server: requirepass as the default user's password,
// AUTH / HELLO AUTH / RESET, NOPERM at the `acl` check and again at EXEC, the ACL log, and the
// clients that ACL SETUSER / DELUSER / CLIENT KILL USER disconnect.

import { describe, expect, it } from 'vitest';
import { ErrorReply, MapReply, SimpleString, type Reply } from '../../src/shared/resp/reply.js';
import { connect, makeServer, type TestClient } from '../helpers/unit-server.js';

const msg = (reply: unknown) => (reply instanceof ErrorReply ? reply.message : reply instanceof SimpleString ? reply.value : reply);

function logEntries(admin: TestClient): Record<string, Reply>[] {
  const reply = admin.run('ACL', 'LOG') as MapReply[];
  return reply.map((entry) => {
    const fields: Record<string, Reply> = {};
    for (let i = 0; i < entry.flat.length; i += 2) fields[entry.flat[i] as string] = entry.flat[i + 1]!;
    return fields;
  });
}

describe('ACL on the request path', () => {
  it('makes requirepass the default user password, as CONFIG SET changes it', () => {
    const server = makeServer({ requirepass: 'secret' });
    const c = connect(server);
    expect(msg(c.run('GET', 'k'))).toBe('NOAUTH Authentication required.');
    expect(msg(c.run('AUTH', 'wrong'))).toBe('WRONGPASS invalid username-password pair or user is disabled.');
    expect(msg(c.run('AUTH', 'secret'))).toBe('OK');
    expect(c.run('ACL', 'LIST')).toEqual([expect.stringMatching(/^user default on #[0-9a-f]{64} ~\* &\* \+@all$/)]);
    expect(msg(c.run('CONFIG', 'SET', 'requirepass', ''))).toBe('OK');
    expect(c.run('ACL', 'LIST')).toEqual(['user default on nopass ~* &* +@all']);
    expect(msg(connect(server).run('AUTH', 'x'))).toMatch(/^ERR AUTH <password> called without any password configured/);
    const [entry] = logEntries(c);
    expect(entry).toMatchObject({ count: 1, reason: 'auth', context: 'toplevel', object: 'AUTH', username: 'default' });
  });

  it('authenticates users with AUTH and HELLO, and RESET goes back to the default user', () => {
    const server = makeServer();
    const admin = connect(server);
    admin.run('ACL', 'SETUSER', 'alice', 'on', '>pw', '+@all', '~*');
    admin.run('ACL', 'SETUSER', 'bob', 'off', '>pw', '+@all', '~*');
    const c = connect(server);
    expect(msg(c.run('AUTH', 'alice', 'bad'))).toMatch(/^WRONGPASS/);
    expect(c.run('ACL', 'WHOAMI')).toBe('default');
    expect(msg(c.run('AUTH', 'bob', 'pw'))).toMatch(/^WRONGPASS/);
    expect(msg(c.run('AUTH', 'nobody', 'pw'))).toMatch(/^WRONGPASS/);
    expect(msg(c.run('HELLO', '3', 'AUTH', 'alice', 'pw', 'SETNAME', 'me'))).toBeInstanceOf(MapReply);
    expect(c.run('ACL', 'WHOAMI')).toBe('alice');
    expect(c.run('CLIENT', 'INFO')).toMatchObject({ text: expect.stringContaining(' user=alice ') });
    expect(msg(c.run('RESET'))).toBe('RESET');
    expect(c.run('ACL', 'WHOAMI')).toBe('default');
    // A SETNAME before a refused AUTH stays (HELLO applies options as they come).
    expect(msg(c.run('HELLO', '2', 'SETNAME', 'kept', 'AUTH', 'alice', 'bad'))).toMatch(/^WRONGPASS/);
    expect(c.run('CLIENT', 'GETNAME')).toBe('kept');
    expect(logEntries(admin).map((e) => [e.object, e.username])).toEqual([
      ['HELLO', 'alice'],
      ['AUTH', 'nobody'],
      ['AUTH', 'bob'],
      ['AUTH', 'alice'],
    ]);
  });

  it('answers NOPERM for commands, keys and channels, and logs each refusal', () => {
    const server = makeServer();
    const admin = connect(server);
    admin.run('ACL', 'SETUSER', 'u', 'on', 'nopass', '-@all', '+get', '+publish', '+multi', '+exec', '~k*', '&ch*');
    const c = connect(server);
    c.run('AUTH', 'u', 'any');
    expect(msg(c.run('SET', 'k1', 'v'))).toBe("NOPERM this user has no permissions to run the 'set' command");
    expect(msg(c.run('CONFIG', 'GET', 'x'))).toBe("NOPERM this user has no permissions to run the 'config|get' command");
    expect(msg(c.run('GET', 'zz'))).toBe('NOPERM this user has no permissions to access one of the keys used as arguments');
    expect(msg(c.run('PUBLISH', 'zz', 'm'))).toBe('NOPERM this user has no permissions to access one of the channels used as arguments');
    expect(c.run('GET', 'k1')).toBeNull();
    expect(msg(c.run('GET', 'zz'))).toMatch(/^NOPERM/);
    c.run('MULTI');
    expect(msg(c.run('GET', 'zz'))).toMatch(/^NOPERM/);
    expect(msg(c.run('EXEC'))).toBe('EXECABORT Transaction discarded because of previous errors.');
    const entries = logEntries(admin);
    expect(entries.map((e) => [e.reason, e.context, e.object, e.count])).toEqual([
      ['key', 'multi', 'zz', 1],
      ['key', 'toplevel', 'zz', 2],
      ['channel', 'toplevel', 'zz', 1],
      ['command', 'toplevel', 'config|get', 1],
      ['command', 'toplevel', 'set', 1],
    ]);
    expect(entries[0]!['client-info']).toMatch(/ cmd=get user=u /);
    expect(admin.run('ACL', 'LOG', '1')).toHaveLength(1);
    expect(msg(admin.run('ACL', 'LOG', 'RESET'))).toBe('OK');
    expect(admin.run('ACL', 'LOG')).toEqual([]);
  });

  it('checks queued commands again at EXEC, after the rules changed', () => {
    const server = makeServer();
    const admin = connect(server);
    admin.run('ACL', 'SETUSER', 'u', 'on', 'nopass', '+@all', '~*');
    const c = connect(server);
    c.run('AUTH', 'u', 'x');
    c.run('MULTI');
    c.run('SET', 'a', '1');
    c.run('SET', 'b', '2');
    c.run('GET', 'a');
    admin.run('ACL', 'SETUSER', 'u', 'resetkeys', '~a');
    const replies = c.run('EXEC') as Reply[];
    expect(replies.map(msg)).toEqual([
      'OK',
      'NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: no permission to touch the specified keys',
      '1',
    ]);
    expect(admin.run('EXISTS', 'b')).toBe(0);
    expect(logEntries(admin)[0]).toMatchObject({ reason: 'key', context: 'multi', object: 'b' });
  });

  it('disconnects subscribers whose channels were revoked, and only them', () => {
    const server = makeServer();
    const admin = connect(server);
    admin.run('ACL', 'SETUSER', 'sub', 'on', 'nopass', '+@all', '~*', '&news.*', '&other');
    const keeps = connect(server);
    const loses = connect(server);
    for (const c of [keeps, loses]) c.run('AUTH', 'sub', 'x');
    keeps.run('SUBSCRIBE', 'news.1');
    loses.run('SUBSCRIBE', 'other');
    admin.run('ACL', 'SETUSER', 'sub', '&more');
    expect([keeps.closed, loses.closed]).toEqual([[], []]);
    admin.run('ACL', 'SETUSER', 'sub', 'resetchannels', '&news.*');
    expect(keeps.closed).toEqual([]);
    expect(loses.closed).toHaveLength(1);
  });

  it('disconnects the clients of deleted users; CLIENT KILL USER picks clients by user', () => {
    const server = makeServer();
    const admin = connect(server);
    admin.run('ACL', 'SETUSER', 'gone', 'on', 'nopass', '+@all', '~*');
    const c = connect(server);
    c.run('AUTH', 'gone', 'x');
    const d = connect(server);
    d.run('AUTH', 'gone', 'x');
    expect(admin.run('CLIENT', 'KILL', 'USER', 'gone')).toBe(2);
    expect(msg(admin.run('CLIENT', 'KILL', 'USER', 'nobody'))).toBe("ERR No such user 'nobody'");
    const e = connect(server);
    e.run('AUTH', 'gone', 'x');
    expect(msg(admin.run('ACL', 'DELUSER', 'gone', 'default'))).toBe("ERR The 'default' user cannot be removed");
    expect(admin.run('ACL', 'DELUSER', 'gone', 'nobody')).toBe(1);
    expect(e.closed).toHaveLength(1);
    expect(e.client.user?.name).toBe('default');
    // Deleting one's own user: the reply comes first, then the connection closes.
    admin.run('ACL', 'SETUSER', 'self', 'on', 'nopass', '+@all', '~*');
    const f = connect(server);
    f.run('AUTH', 'self', 'x');
    expect(f.run('ACL', 'DELUSER', 'self')).toBe(1);
    expect(f.client.closing).toBe(true);
  });

  it('answers the introspection subcommands like Redis', () => {
    const server = makeServer();
    const c = connect(server);
    expect(msg(c.run('ACL', 'DRYRUN', 'nobody', 'get', 'x'))).toBe("ERR User 'nobody' not found");
    expect(msg(c.run('ACL', 'DRYRUN', 'default', 'nosuch'))).toBe("ERR Command 'nosuch' not found");
    expect(msg(c.run('ACL', 'DRYRUN', 'default', 'get'))).toBe("ERR wrong number of arguments for 'get' command");
    expect(msg(c.run('ACL', 'DRYRUN', 'default', 'config', 'foo'))).toBe("ERR Command 'config' not found");
    expect(msg(c.run('ACL', 'GENPASS', '0'))).toMatch(/^ERR ACL GENPASS argument must be the number of bits/);
    expect(c.run('ACL', 'GENPASS', '5')).toMatch(/^[0-9a-f]{2}$/);
    expect(c.run('ACL', 'GENPASS')).toMatch(/^[0-9a-f]{64}$/);
    expect(msg(c.run('ACL', 'CAT', 'nope'))).toBe("ERR Unknown category 'nope'");
    expect(c.run('ACL', 'CAT', 'HyperLogLog')).toEqual(expect.arrayContaining(['pfadd', 'pfcount', 'pfdebug', 'pfmerge', 'pfselftest']));
    expect(msg(c.run('ACL', 'LOG', '1', '2'))).toBe("ERR unknown subcommand or wrong number of arguments for 'LOG'. Try ACL HELP.");
    expect(msg(c.run('ACL', 'SAVE'))).toMatch(/^ERR This Redis instance is not configured to use an ACL file/);
    expect(c.run('ACL', 'GETUSER', 'nobody')).toBeNull();
  });
});
