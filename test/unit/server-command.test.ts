// COMMAND and its subcommands, built from the live command table (shapes checked against
// redis-server 7.0.15: COMMAND INFO's ten fields, key specs, GETKEYS errors).

import { describe, expect, it } from 'vitest';
import { connect, makeServer } from '../helpers/unit-server.js';
import type { Reply } from '../../src/shared/resp/reply.js';

const c = connect(makeServer());

describe('COMMAND', () => {
  it('COMMAND COUNT is the number of top-level commands, all listed by COMMAND', () => {
    const count = c.run('COMMAND', 'COUNT') as number;
    expect((c.run('COMMAND') as Reply[]).length).toBe(count);
    expect(count).toBeGreaterThan(20);
  });

  it('COMMAND INFO answers Redis ten-field entries, with key specs and subcommands', () => {
    expect(c.wire('COMMAND', 'INFO', 'get')).toBe(
      '*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n' +
        '*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n' +
        '*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n' +
        '$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n' +
        '$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n' +
        '*0\r\n',
    );
    const [config] = c.run('COMMAND', 'INFO', 'config') as Reply[][];
    expect(config![0]).toBe('config');
    expect(config![1]).toBe(-2);
    const subNames = (config![9] as Reply[][]).map((sub) => sub[0]);
    expect(subNames).toEqual(expect.arrayContaining(['config|get', 'config|set', 'config|rewrite', 'config|resetstat']));
    expect(c.run('COMMAND', 'INFO', 'nosuch', 'config|get')).toEqual([null, expect.arrayContaining(['config|get', -3])]);
  });

  it('COMMAND GETKEYS follows key positions and uses Redis errors', () => {
    expect(c.run('COMMAND', 'GETKEYS', 'set', 'k', 'v')).toEqual(['k']);
    expect(c.run('COMMAND', 'GETKEYS', 'watch', 'a', 'b')).toEqual(['a', 'b']);
    expect(c.wire('COMMAND', 'GETKEYS', 'ping', 'x')).toBe('-ERR The command has no key arguments\r\n');
    expect(c.wire('COMMAND', 'GETKEYS', 'nosuch', 'x')).toBe('-ERR Invalid command specified\r\n');
    expect(c.wire('COMMAND', 'GETKEYS', 'get', 'a', 'b')).toBe('-ERR Invalid number of arguments specified for command\r\n');
    expect(c.wire('COMMAND', 'GETKEYS', 'get')).toBe("-ERR wrong number of arguments for 'command|getkeys' command\r\n");
  });

  it('COMMAND LIST includes subcommands and filters by pattern', () => {
    const all = c.run('COMMAND', 'LIST') as string[];
    expect(all).toEqual(expect.arrayContaining(['get', 'config', 'config|get', 'client|kill']));
    expect(c.run('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'conf*')).toEqual(
      expect.arrayContaining(['config', 'config|get', 'config|set']),
    );
    expect(c.run('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'pubsub')).toEqual(expect.arrayContaining(['publish', 'subscribe']));
    expect(c.wire('COMMAND', 'LIST', 'FILTERBY', 'FOO', 'x')).toBe('-ERR syntax error\r\n');
  });

  it('COMMAND DOCS gives a summary and group per command, skipping unknown names', () => {
    expect(c.run('COMMAND', 'DOCS', 'nosuch')).toMatchObject({ flat: [] });
    // redis-server 7.0.15's COMMAND DOCS INFO: summary, since, group, complexity, history, arguments.
    expect(c.wire('COMMAND', 'DOCS', 'info')).toBe(
      '*2\r\n$4\r\ninfo\r\n*12\r\n$7\r\nsummary\r\n$47\r\nGet information and statistics about the server\r\n' +
        '$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n' +
        '$7\r\nhistory\r\n*1\r\n*2\r\n$5\r\n7.0.0\r\n$52\r\nAdded support for taking multiple section arguments.\r\n' +
        '$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$7\r\nsection\r\n$4\r\ntype\r\n$6\r\nstring\r\n' +
        '$5\r\nflags\r\n*2\r\n+optional\r\n+multiple\r\n',
    );
  });
});
