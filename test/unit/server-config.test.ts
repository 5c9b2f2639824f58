// CONFIG GET / SET / REWRITE / RESETSTAT: patterns and aliases as Redis 7.0 lists them, SET all or
// none with Redis's error texts (checked against redis-server 7.0.15), and REWRITE keeping the
// operator's file (comments, unknown lines, order) while updating what changed.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, makeServer } from '../helpers/unit-server.js';
import { MapReply } from '../../src/shared/resp/reply.js';
import { loadConfig } from '../../src/server/config/load.js';
import { REWRITE_SIGNATURE, rewriteConfigText } from '../../src/server/config/rewrite.js';

const get = (reply: unknown) => (reply as MapReply).flat;

describe('CONFIG GET', () => {
  const c = connect(makeServer({ maxmemory: '10mb' }));

  it('takes several names and patterns, aliases under their own names', () => {
    expect(get(c.run('CONFIG', 'GET', 'maxmemory', 'hz'))).toEqual(['maxmemory', '10485760', 'hz', '10']);
    expect(get(c.run('CONFIG', 'GET', 'slaveof'))).toEqual(['slaveof', '']);
    const slaves = get(c.run('CONFIG', 'GET', 'slave-*'));
    expect(slaves).toEqual(expect.arrayContaining(['slave-read-only', 'yes', 'slave-priority', '100']));
    expect(get(c.run('CONFIG', 'GET', '*max-*-entries*'))).toEqual(
      expect.arrayContaining(['hash-max-listpack-entries', 'hash-max-ziplist-entries', 'zset-max-ziplist-entries']),
    );
  });

  it('matches case-insensitively, answers once per name and nothing for unknown names', () => {
    expect(get(c.run('CONFIG', 'GET', 'PORT', 'Port'))).toEqual(['PORT', '6379']);
    expect(get(c.run('CONFIG', 'GET', 'nosuch'))).toEqual([]);
    expect(get(c.run('CONFIG', 'GET', 'save', 'sav*'))).toEqual(['save', '3600 1 300 100 60 10000']);
    expect(c.wire('CONFIG', 'GET')).toBe("-ERR wrong number of arguments for 'config|get' command\r\n");
  });
});

describe('CONFIG SET', () => {
  it('sets several directives at once', () => {
    const server = makeServer();
    const c = connect(server);
    expect(c.wire('CONFIG', 'SET', 'maxmemory', '10mb', 'hz', '20', 'slave-priority', '5')).toBe('+OK\r\n');
    expect(server.config.num('maxmemory')).toBe(10 * 1024 * 1024);
    expect(server.config.num('hz')).toBe(20);
    expect(server.config.num('replica-priority')).toBe(5);
  });

  it('changes nothing when one of the pairs is refused', () => {
    const server = makeServer();
    const c = connect(server);
    expect(c.wire('CONFIG', 'SET', 'maxmemory', '10mb', 'hz', 'abc')).toBe(
      "-ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer\r\n",
    );
    expect(server.config.num('maxmemory')).toBe(0);
  });

  it('uses Redis wording for every refusal', () => {
    const c = connect(makeServer());
    const cases: [string[], string][] = [
      [['nosuch', '1'], "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"],
      [['hz', '1', 'hz', '2'], "ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter"],
      [['HZ', '5', 'Hz', '6'], "ERR CONFIG SET failed (possibly related to argument 'Hz') - duplicate parameter"],
      [['databases', '3'], "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"],
      [['slaveof', '1 2'], "ERR CONFIG SET failed (possibly related to argument 'slaveof') - can't set immutable config"],
      [['slave-priority', 'abc'], "ERR CONFIG SET failed (possibly related to argument 'slave-priority') - argument couldn't be parsed into an integer"],
      [['appendfsync', 'maybe'], "ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must be one of the following: always, everysec, no"],
      [['save', '1 2 3'], "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"],
      [['maxmemory', 'abc'], "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"],
      [['hz', '10', 'maxmemory'], 'ERR syntax error'],
    ];
    for (const [pairs, error] of cases) expect(c.wire('CONFIG', 'SET', ...pairs), pairs.join(' ')).toBe(`-${error}\r\n`);
  });

  it('tells listeners of the directives it changed', () => {
    const server = makeServer();
    const seen: unknown[] = [];
    server.config.onChange('repl-backlog-size', (value) => seen.push(value));
    connect(server).run('CONFIG', 'SET', 'repl-backlog-size', '2mb');
    expect(seen).toEqual([2 * 1024 * 1024]);
  });
});

describe('CONFIG REWRITE', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('refuses without a config file', () => {
    expect(connect(makeServer()).wire('CONFIG', 'REWRITE')).toBe('-ERR The server is running without a config file\r\n');
  });

  it('keeps comments and unknown lines, updates directives in place and drops duplicates', () => {
    const config = makeServer().config;
    config.set('hz', ['25'], 'runtime');
    config.set('replica-priority', ['7'], 'runtime');
    config.set('save', [''], 'runtime');
    config.set('maxmemory-policy', ['allkeys-lru'], 'runtime');
    const old = [
      '# my node',
      'hz 10',
      '',
      'include other.conf',
      'slave-priority 100',
      'save 900 1',
      'save 300 10',
      'hz 11',
      '# end',
    ].join('\n');
    expect(rewriteConfigText(`${old}\n`, config)).toBe(
      [
        '# my node',
        'hz 25',
        '',
        'include other.conf',
        'replica-priority 7',
        'save ""',
        '# end',
        REWRITE_SIGNATURE,
        'maxmemory-policy allkeys-lru',
        '',
      ].join('\n'),
    );
  });

  it('appends after an existing signature and writes nothing for default values not in the file', () => {
    const config = makeServer().config;
    config.set('hz', ['30'], 'runtime');
    expect(rewriteConfigText(`port 7000\n${REWRITE_SIGNATURE}\nmaxclients 10\n`, config)).toBe(
      `port 6379\n${REWRITE_SIGNATURE}\nmaxclients 10000\nhz 30\n`,
    );
    expect(rewriteConfigText('', makeServer().config)).toBe('');
  });

  it('rewrites the file the node started with, so a restart reads the new values back', () => {
    dir = mkdtempSync(join(tmpdir(), 'clusterctl-rewrite-'));
    const file = join(dir, 'node.conf');
    writeFileSync(file, '# operator comment\nport 7777\nhz 10\n');
    const config = loadConfig([file]);
    const server = makeServer();
    // The unit server has no file: give it the loaded one.
    Object.assign(server, { config });
    const c = connect(server);
    expect(c.wire('CONFIG', 'SET', 'hz', '42', 'maxmemory', '1gb', 'requirepass', 'with space')).toBe('+OK\r\n');
    expect(c.wire('CONFIG', 'REWRITE')).toBe('+OK\r\n');
    const text = readFileSync(file, 'latin1');
    expect(text.startsWith('# operator comment\nport 7777\nhz 42\n')).toBe(true);
    const reloaded = loadConfig([file]);
    expect(reloaded.num('hz')).toBe(42);
    expect(reloaded.num('maxmemory')).toBe(1024 * 1024 * 1024);
    expect(reloaded.str('requirepass')).toBe('with space');
    expect(reloaded.num('port')).toBe(7777);
  });
});
