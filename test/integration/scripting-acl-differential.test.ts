// Differential test of ACL rules inside scripts: a user's EVAL / FCALL of commands, keys and
// channels it may not touch, redis.acl_check_cmd, and SORT's BY / GET patterns for a user whose
// key patterns do not cover every key, run on redis-server 7.0 and on our node, replies compared.

import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { hasRedis } from '../helpers/processes.js';
import { useServerPair } from './scripting-pair.js';

type Arg = string | number;

async function run(client: Redis, cmd: Arg[]): Promise<unknown> {
  try {
    return await client.call(String(cmd[0]), ...cmd.slice(1).map(String));
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const ev = (body: string, ...rest: Arg[]): Arg[] => ['EVAL', body, rest.length === 0 ? 0 : rest[0]!, ...rest.slice(1)];

const STEPS: Arg[][] = [
  ['ACL', 'SETUSER', 'limited', 'on', 'nopass', '+@all', '-set', '-flushall', '~k*', '&ch1', 'resetchannels', '&ch1'],
  ['SET', 'k1', 'v'], ['SET', 'other', 'v'], ['RPUSH', 'klist', '3', '1', '2'], ['SET', 'w_1', '5'],
  ['AUTH', 'limited', 'x'],
  ev("return redis.call('get', 'k1')"), ev("return redis.call('set', 'k1', 'x')"), ev("return redis.pcall('set', 'k1', 'x')"),
  ev("return redis.call('get', 'other')"), ev("return redis.pcall('get', 'other')"), ev("return redis.call('publish', 'ch2', 'm')"),
  ev("return redis.call('publish', 'ch1', 'm')"), ev("local ok, e = pcall(redis.call, 'set', 'k1', 'y') return e"),
  ev("return redis.acl_check_cmd('set', 'k1', 'x')"), ev("return redis.acl_check_cmd('get', 'k1')"), ev("return redis.acl_check_cmd('get', 'other')"),
  ev("return redis.acl_check_cmd('nosuch')"), ev("return redis.acl_check_cmd('get')"), ev("return redis.acl_check_cmd('config', 'get', 'x')"),
  ['SORT', 'klist'], ['SORT', 'klist', 'BY', 'w_*'], ['SORT', 'klist', 'GET', '#'], ['SORT', 'klist', 'BY', 'nosort'],
  ['SORT_RO', 'klist', 'GET', 'w_*'], ev("return redis.call('sort', 'klist', 'by', 'w_*')"), ev("return redis.pcall('sort', 'klist', 'get', '#')"),
  ['AUTH', 'default', 'x'],
  ['SORT', 'klist', 'BY', 'w_*'], ev("return redis.call('set', 'k1', 'x')"), ev("return redis.acl_check_cmd('set', 'k1', 'x')"),
  ['ACL', 'DELUSER', 'limited'],
];

describe.skipIf(!hasRedis())('scripting: ACL rules inside scripts as in redis-server 7.0', () => {
  const pair = useServerPair();

  it('a restricted user gets the same NOPERM / ACL errors from scripts and SORT', async () => {
    const { a, b } = pair;
    for (const [i, cmd] of STEPS.entries()) {
      const label = `#${i} ${cmd.map(String).join(' ')}`;
      expect(await run(a, cmd), label).toEqual(await run(b, cmd));
    }
  });
});
