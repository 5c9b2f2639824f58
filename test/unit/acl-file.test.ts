// The ACL file and `user` lines (acl/acl-file.ts, acl/startup.ts, config/rewrite.ts): loading
// validates everything first and reports every broken line as Redis words it, saving writes ACL
// LIST's lines, config-file users are checked while the file is read, and CONFIG REWRITE puts the
// users back in place of the old `user` lines.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aclFileText, loadAclFile, parseAclFile, saveAclFile } from '../../src/server/acl/acl-file.js';
import { checkUserDeclaration, loadUsersAtStartup, userLinesForRewrite } from '../../src/server/acl/startup.js';
import { rewriteConfigText } from '../../src/server/config/rewrite.js';
import { connect, makeServer } from '../helpers/unit-server.js';

const dir = mkdtempSync(join(tmpdir(), 'acl-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the ACL file', () => {
  it('reports every broken line at once, and changes nothing then', () => {
    const server = makeServer();
    const text = [
      'user alice on >pw ~* +@all',
      '# a comment',
      'user bob on +nosuchcommand +alsonot ~x bogus other',
      'user alice off',
      'usr carol on',
      'user dave (+get',
      '',
    ].join('\n');
    const parsed = parseAclFile(server.acl, text, 'users.acl');
    expect(parsed).toEqual({
      errors:
        'users.acl:2 should start with user keyword followed by the username. ' +
        "users.acl:3: Error in applying operation '+nosuchcommand': Unknown command or category name in ACL. " +
        "users.acl:3: Error in applying operation '+alsonot': Unknown command or category name in ACL. " +
        'users.acl:3: Syntax error. ' +
        "WARNING: Duplicate user 'alice' found on line 4. " +
        'users.acl:5 should start with user keyword followed by the username. ' +
        'users.acl:6: Unmatched parenthesis in selector definition.' +
        'WARNING: ACL errors detected, no change to the previously active ACL rules was performed',
    });
    expect(server.acl.list().map((u) => u.name)).toEqual(['default']);
  });

  it('loads users and the default user, disconnecting the clients of the old users', () => {
    const server = makeServer();
    const admin = connect(server);
    admin.run('ACL', 'SETUSER', 'old', 'on', 'nopass', '+@all', '~*');
    const c = connect(server);
    c.run('AUTH', 'old', 'x');
    const file = join(dir, 'load.acl');
    writeFileSync(file, 'user default on nopass ~* &* -@all +get\r\nuser old on nopass ~* +@all\n\nuser zed off (+get  ~k)\n');
    expect(loadAclFile(server.acl, file)).toBeUndefined();
    expect(server.acl.list().map((u) => u.name)).toEqual(['default', 'old', 'zed']);
    expect(c.closed).toHaveLength(1);
    expect(admin.client.user).toBe(server.acl.defaultUser);
    expect(aclFileText(server.acl)).toBe(
      'user default on nopass ~* &* -@all +get\nuser old on nopass ~* resetchannels +@all\nuser zed off resetchannels -@all (~k resetchannels -@all +get)\n',
    );
    expect(loadAclFile(server.acl, join(dir, 'missing.acl'))).toBe(
      `Error loading ACLs, opening file '${join(dir, 'missing.acl')}': No such file or directory`,
    );
  });

  it('saves what ACL LIST shows, and loads it back to the same users', () => {
    const server = makeServer();
    const admin = connect(server);
    admin.run('ACL', 'SETUSER', 'app', 'on', '>pw', '%R~r:*', '~app:*', '&app.*', '-@all', '+@read', '+set', '(+@write ~w:*)');
    const file = join(dir, 'saved.acl');
    expect(saveAclFile(server.acl, file)).toBeUndefined();
    const text = readFileSync(file, 'latin1');
    expect(text.split('\n').filter(Boolean)).toEqual(admin.run('ACL', 'LIST'));
    const other = makeServer();
    expect(loadAclFile(other.acl, file)).toBeUndefined();
    expect(aclFileText(other.acl)).toBe(text);
  });
});

describe('users in the config file', () => {
  it('checks user lines as redis.conf parsing does (unknown commands wait for startup)', () => {
    const seen = new Set<string>();
    expect(checkUserDeclaration(['alice', 'on', '+nosuch'], seen, false)).toBeUndefined();
    expect(checkUserDeclaration(['alice', 'on'], seen, false)).toBe("'alice': Duplicate user found. A user can only be defined once in config files");
    // Redis names argv[j] of the whole line with j counted among the rules: the name, here.
    expect(checkUserDeclaration(['bob', 'on', 'bogus'], seen, false)).toBe("'bob': Syntax error");
    expect(checkUserDeclaration(['eve', '&*', '&x'], seen, true)).toMatch(/^'eve': Adding a pattern after the \* pattern/);
  });

  it('creates them at startup, resetting the default user when it is redefined', () => {
    const server = makeServer({ requirepass: 'pw' });
    server.config.users.push(['default', 'on', 'nopass', '+@all', '~*'], ['alice', 'on', '>a', '(+get', '~k)']);
    expect(loadUsersAtStartup(server)).toBeUndefined();
    expect(connect(server).run('ACL', 'LIST')).toEqual([
      'user alice on #ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb resetchannels -@all (~k resetchannels -@all +get)',
      'user default on nopass sanitize-payload ~* resetchannels +@all',
    ]);
    const broken = makeServer();
    broken.config.users.push(['x', '+nosuch']);
    expect(loadUsersAtStartup(broken)).toBe('Critical error while loading ACLs. Exiting.');
    const both = makeServer({ aclfile: join(dir, 'x.acl') });
    both.config.users.push(['x']);
    expect(loadUsersAtStartup(both)).toMatch(/^Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid/);
  });

  it('writes users back in place of the old user lines on CONFIG REWRITE', () => {
    const server = makeServer();
    connect(server).run('ACL', 'SETUSER', 'alice', 'on', 'nopass', '~*', '+@all');
    const old = 'port 7000\nuser alice off\nuser gone on\ntimeout 0\n';
    expect(rewriteConfigText(old, server.config, false, userLinesForRewrite(server))).toBe(
      'port 6379\nuser alice on nopass ~* resetchannels +@all\nuser default on nopass ~* &* +@all\ntimeout 0\n',
    );
    const withFile = makeServer({ aclfile: 'users.acl' });
    expect(rewriteConfigText(old, withFile.config, false, userLinesForRewrite(withFile))).toBe(
      'port 6379\ntimeout 0\n# Generated by CONFIG REWRITE\naclfile users.acl\n',
    );
  });
});
