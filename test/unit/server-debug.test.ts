// DEBUG: digests identical to redis-server 7.0.15's for the same data (reference values below were
// produced by a real 7.0.15 with the same commands), POPULATE as Redis, PROTOCOL samples, and the
// enable-debug-command guard.

import { describe, expect, it } from 'vitest';
import { connect, makeServer } from '../helpers/unit-server.js';
import type { Server } from '../../src/server/server.js';
import { ListValue } from '../../src/server/keyspace/list.js';
import { SortedSet } from '../../src/server/keyspace/sorted-set.js';
import type { Client } from '../../src/server/clients/client.js';

const ZERO = '0'.repeat(40);

/** The reference dataset, written straight into db 0 so the digest test needs no other family. */
function fill(server: Server, order: 'forward' | 'reverse' = 'forward'): void {
  const db = server.db(0);
  const entries: [string, () => unknown][] = [
    ['s', () => 'abc'],
    ['l', () => new ListValue(['a', 'b', 'c'])],
    ['h', () => new Map(order === 'forward' ? [['f', 'v'], ['g', 'w']] : [['g', 'w'], ['f', 'v']])],
    ['st', () => new Set(order === 'forward' ? ['x', 'y', '1', '2', '3'] : ['3', '2', '1', 'y', 'x'])],
    [
      'z',
      () => {
        const z = new SortedSet();
        const pairs: [string, number][] = [['a', 1.5], ['b', 0.1], ['c', 3], ['d', -2.25], ['e', 1e20], ['f', 123456789.123]];
        for (const [m, s] of order === 'forward' ? pairs : pairs.reverse()) z.scores.set(m, s);
        return z;
      },
    ],
  ];
  for (const [key, make] of order === 'forward' ? entries : [...entries].reverse()) {
    db.data.set(key, make() as never);
  }
}

describe('DEBUG DIGEST', () => {
  it('matches redis-server 7.0.15 for every value type, whatever the insertion order', () => {
    for (const order of ['forward', 'reverse'] as const) {
      const server = makeServer();
      const c = connect(server);
      expect(c.wire('DEBUG', 'DIGEST')).toBe(`+${ZERO}\r\n`);
      fill(server, order);
      expect(c.wire('DEBUG', 'DIGEST')).toBe('+b0bc52ffdd6971255ecf487bdeff2bd982659bd4\r\n');
      expect((c.run('DEBUG', 'DIGEST-VALUE', 's', 'l', 'h', 'st', 'z', 'nosuch') as { value: string }[]).map((r) => r.value).toString()).toBe(
        [
          '21ffcd2d36aebffca02995acb412bcb827d4c1db',
          '8bf72d812571eea9b927f3c11beb0c4165a6ff89',
          'd127864ed50239662bf61bafc9bda63c17da5b37',
          'ae7b8c4cbdfc356cf1a9d0b62f21cd25e9ade57e',
          'b0b6c2c2849ce2881758490fe192cee6a5af9d8a',
          ZERO,
        ].toString(),
      );
    }
  });

  it('covers expiries and the database a key lives in', () => {
    const server = makeServer();
    const c = connect(server);
    fill(server);
    server.db(0).expires.set('s', 99999999999999);
    expect((c.run('DEBUG', 'DIGEST-VALUE', 's') as { value: string }[])[0]!.value).toBe('c77a33d2ea9755a8613f7e54f17873233d7a8058');
    expect(c.wire('DEBUG', 'DIGEST')).toBe('+cc17b883bbe2a622f583c4a8038cc5eb6fb37896\r\n');
    server.db(1).data.set('x', 'y');
    expect(c.wire('DEBUG', 'DIGEST')).toBe('+0fd69d2d1a492564a56a536d635272fd22591491\r\n');
    expect(c.wire('SWAPDB', '0', '1')).toBe('+OK\r\n');
    expect(c.wire('DEBUG', 'DIGEST')).toBe('+f6c815260698ea2e28b482cd9a9e892875408e2e\r\n');
  });
});

describe('DEBUG POPULATE', () => {
  it('creates key:N -> value:N, keeps existing keys and does not propagate', () => {
    const server = makeServer();
    const c = connect(server);
    const units: unknown[] = [];
    server.requestPath.observe({ propagate: (_db, commands) => void units.push(commands) });
    c.run('SET', 'key:1', 'mine');
    units.length = 0;
    expect(c.wire('DEBUG', 'POPULATE', '3')).toBe('+OK\r\n');
    expect([...server.db(0).data.entries()].sort()).toEqual([
      ['key:0', 'value:0'],
      ['key:1', 'mine'],
      ['key:2', 'value:2'],
    ]);
    expect(units).toEqual([]);
  });

  it('takes a prefix and a size that pads with zero bytes or truncates', () => {
    const server = makeServer();
    const c = connect(server);
    c.run('DEBUG', 'POPULATE', '2', 'p', '10');
    c.run('DEBUG', 'POPULATE', '1', 't', '5');
    expect(server.db(0).data.get('p:1')).toBe('value:1\0\0\0');
    expect(server.db(0).data.get('t:0')).toBe('value');
  });

  it('uses Redis errors', () => {
    const c = connect(makeServer());
    expect(c.wire('DEBUG', 'POPULATE', '-1')).toBe('-ERR value is out of range, must be positive\r\n');
    expect(c.wire('DEBUG', 'POPULATE', 'abc')).toBe('-ERR value is out of range, must be positive\r\n');
    expect(c.wire('DEBUG', 'populate', '1', 'a', 'b', 'c')).toBe(
      "-ERR unknown subcommand or wrong number of arguments for 'populate'. Try DEBUG HELP.\r\n",
    );
  });
});

describe('DEBUG misc', () => {
  it('PROTOCOL answers each RESP type, with RESP2 fallbacks', () => {
    const c = connect(makeServer());
    expect(c.wire('DEBUG', 'PROTOCOL', 'double')).toBe('$5\r\n3.141\r\n');
    expect(c.wire('DEBUG', 'PROTOCOL', 'map')).toBe('*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n');
    expect(c.wire('DEBUG', 'PROTOCOL', 'attrib')).toBe('$39\r\nSome real reply following the attribute\r\n');
    expect(c.wire('DEBUG', 'PROTOCOL', 'push')).toBe('-ERR RESP2 is not supported by this command\r\n');
    c.run('HELLO', '3');
    expect(c.wire('DEBUG', 'PROTOCOL', 'bignum')).toBe('(1234567999999999999999999999999999999\r\n');
    expect(c.wire('DEBUG', 'PROTOCOL', 'true')).toBe('#t\r\n');
    expect(c.wire('DEBUG', 'PROTOCOL', 'verbatim')).toBe('=29\r\ntxt:This is a verbatim\nstring\r\n');
  });

  it('ERROR answers the given text as an error, SET-ACTIVE-EXPIRE toggles active expiry', () => {
    const server = makeServer();
    const c = connect(server);
    expect(c.wire('DEBUG', 'ERROR', 'FOO bar')).toBe('-FOO bar\r\n');
    c.run('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    expect(server.activeExpireEnabled).toBe(false);
    c.run('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    expect(server.activeExpireEnabled).toBe(true);
    expect(c.wire('DEBUG', 'SLEEP', '0')).toBe('+OK\r\n');
    expect(c.wire('DEBUG', 'NOSUCH')).toBe("-ERR unknown subcommand or wrong number of arguments for 'NOSUCH'. Try DEBUG HELP.\r\n");
  });

  it('honours enable-debug-command: no refuses, local accepts loopback clients only', () => {
    const refusal =
      '-ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n';
    expect(connect(makeServer({ 'enable-debug-command': 'no' })).wire('DEBUG', 'HELP')).toBe(refusal);
    const local = makeServer({ 'enable-debug-command': 'local' });
    expect(connect(local).wire('DEBUG', 'SLEEP', '0')).toBe('+OK\r\n');
    const remote = connect(local);
    (remote.client as { addr: string } & Client).addr = '10.1.2.3:4444';
    expect(remote.wire('DEBUG', 'SLEEP', '0')).toBe(refusal);
    const v6 = connect(local);
    (v6.client as { addr: string } & Client).addr = '::ffff:127.0.0.1:4444';
    expect(v6.wire('DEBUG', 'SLEEP', '0')).toBe('+OK\r\n');
  });
});
