// Differential test of scripting: the same EVAL / FCALL / SCRIPT / FUNCTION sequences on a real
// redis-server 7.0 and on our node, replies compared byte for byte: through ioredis for RESP2, and
// on raw sockets after HELLO 3 for RESP3 conversions. Error texts include the script's sha and
// position, so they are compared whole too.

import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { hasRedis } from '../helpers/processes.js';
import { useServerPair } from './scripting-pair.js';
import { RawClient, resp } from '../helpers/raw-client.js';
import { REPORT_SCRIPTS } from './scripting-scripts.js';

type Arg = string | number;

function normalize(reply: unknown): unknown {
  if (Buffer.isBuffer(reply)) return reply.toString('latin1');
  if (Array.isArray(reply)) return reply.map(normalize);
  return reply;
}

async function run(client: Redis, cmd: Arg[]): Promise<unknown> {
  try {
    const args = cmd.slice(1).map((a) => (typeof a === 'number' ? String(a) : Buffer.from(a, 'latin1')));
    return normalize(await client.callBuffer(String(cmd[0]), ...args));
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const ev = (body: string, ...rest: Arg[]): Arg[] => ['EVAL', body, rest.length === 0 ? 0 : rest[0]!, ...rest.slice(1)];
const LIB = (name: string, body: string) => `#!lua name=${name}\n${body}`;

const SEQUENCES: Record<string, Arg[][]> = {
  'reply conversion RESP2': [
    ev("return redis.call('ping')"), ev("return redis.call('get','nokey')"), ev("return {1,{2,{3,'x'}},false,true}"),
    ev("return 1e300"), ev("return -0.5"), ev("return {err='ERR custom'}"), ev("return {err='nocode'}"),
    ev("return redis.error_reply('E1 msg')"), ev("return redis.error_reply('-E2 msg')"), ev("return redis.error_reply('NOSPACE')"),
    ev("return redis.error_reply()"), ev("return redis.status_reply(1)"), ev("return redis.status_reply('a\\r\\nb')"),
    ev("redis.call('hset','h','a','1','b','2') return redis.call('hgetall','h')"), ev("return redis.call('zadd','z','1.5','m')"),
    ev("redis.call('zadd','z','2.5','n') return redis.call('zrange','z',0,-1,'withscores')"), ev("return redis.call('zscore','z','n')"),
    ev("return {map={a=1}}"), ev("return {set={a=true}}"), ev("return {double=3.5}"), ev("return {big_number='123'}"),
    ev("return redis.call('incrbyfloat','f','1.5')"), ev("return redis.call('lpop','nolist')"), ev("return {redis.call('exists','h','z','nokey')}"),
    ev("return redis.call('type','h')"), ev("return redis.call('sadd','s','x') + 10"),
    ev("redis.setresp(3) return redis.call('hgetall','h')"), ev("redis.setresp(3) return redis.call('zscore','z','n')"),
    ev("redis.setresp(3) return redis.call('get','nokey') == nil"), ev("redis.setresp(3) return true"), ev("redis.setresp(3) return false"),
    ev("redis.setresp(3) local r = redis.call('smembers','s') return r.set.x"), ev("redis.setresp(3) return {double=1.5}"),
  ],
  'arguments and keys': [
    ev('return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], #KEYS, #ARGV}', 2, 'k1', 'k2', 'a1', 'a2'), ['EVAL', 'return 1', 'x'],
    ['EVAL', 'return 1', -1], ['EVAL', 'return 1', 3, 'a'], ['EVAL', 'return 1'], ev("return redis.call('set', KEYS[1], 3.0)", 1, 'n'),
    ev("return redis.call('get', 'n')"), ev("return redis.call('set', 'n', 0.1)"), ev("return redis.call('get','n')"),
    ev("return redis.call('set', 'n', true)"), ev("return redis.call('set', 'n', nil)"), ev('return redis.call()'),
    ev('KEYS[1] = 5 return KEYS[1]', 1, 'a'), ev("return redis.call('select', 1)"), ev("redis.call('select', 1) redis.call('set','db1','x') return 1"),
    ['GET', 'db1'], ['SELECT', '1'], ['GET', 'db1'], ['SELECT', '0'],
  ],
  'errors from redis.call and the script': [
    ev("return redis.call('nosuchcmd')"), ev("return redis.call('get')"), ev("return redis.call('config')"), ev("return redis.call('config','nosub')"),
    ev("return redis.call('multi')"), ev("return redis.call('eval','return 1',0)"), ev("return redis.call('subscribe','c')"),
    ['SET', 'str', 'v'], ev("return redis.call('lpush','str','a')"), ev("return redis.pcall('lpush','str','a')"),
    ev("local r = redis.pcall('lpush','str','a') return r.err"), ev("local ok, e = pcall(redis.call, 'lpush', 'str', 'a') return {ok, e}"),
    ev("local ok, e = pcall(redis.call, 'nosuch') return e"), ev("return pcall()"), ev("error('plain')"), ev("error({err='TABLE err'})"),
    ev("error('at level 0', 0)"), ev('error(42)'), ev("local t = nil return t.x"), ev("\n\nreturn 1 + {}"), ev('return #nil'),
    ev("redis.call('set','x','1') return redis.call('incr','x','2')"), ev('return 1 +'), ev('retur 1'),
    ev("return redis.setresp(4)"), ev("return redis.setresp()"), ev('return redis.log(1)'), ev("return redis.log('x', 'y')"),
    ev('return redis.log(9, "x")'), ev('return redis.log(redis.LOG_WARNING, "from a script", 1)'), ev('return redis.set_repl(99)'),
    ev('return redis.set_repl()'), ev('return redis.sha1hex()'), ev("return redis.sha1hex('abc')"), ev('return redis.replicate_commands()'),
    ev("return redis.acl_check_cmd('get','x')"), ev("return redis.acl_check_cmd('nosuch')"), ev('return redis.breakpoint()'),
    ev('return {redis.REDIS_VERSION, redis.REDIS_VERSION_NUM, redis.LOG_DEBUG, redis.LOG_WARNING, redis.REPL_ALL, redis.REPL_NONE, redis.REPL_SLAVE}'),
    ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', 0], ['EVALSHA', 'short', 0], ['EVALSHA_RO', 'ffffffffffffffffffffffffffffffffffffffff', 0],
  ],
  'sandbox': [
    ev('x = 1'), ev('return undefined_global'), ev("rawset(_G, 'y', 1)"), ev('string.len = nil'), ev("setmetatable(_G, {})"),
    ev('_G.z = 1'), ev("return type(_G)"), ev("return rawget(_G, 'redis') ~= nil"), ev('local n = 0 for k in pairs(_G) do n = n + 1 end return n > 10'),
    ev("return loadstring('return 1 + 1')()"), ev("return pcall(loadstring('x = 5'))"), ev("local f = loadstring('q = 1') return pcall(f)"),
    ev('return type(print)'), ev('return type(os)'), ev('return type(io)'), ev('return type(setfenv)'), ev('return type(debug)'),
    ev('return type(require)'), ev('return type(gcinfo)'), ev("return type(bit)"), ev('return _VERSION'),
    ev('math.abs = 1'), ev("redis.call = nil"), ev("local t = {} t.a = 1 return t.a"), ev("return coroutine.wrap(function() coroutine.yield(7) end)()"),
  ],
  'bit library': [
    ev('return {bit.band(0xff, 0x0f, 0x3), bit.bor(1, 2, 4), bit.bxor(5, 3), bit.bnot(0)}'), ev('return {bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-256, 4)}'),
    ev('return {bit.rol(0x12345678, 8), bit.ror(0x12345678, 8), bit.bswap(0x12345678)}'), ev("return {bit.tohex(255), bit.tohex(-1, -4), bit.tohex(0x1234, 2)}"),
    ev('return {bit.tobit(2^32 + 5), bit.tobit(1.5), bit.tobit(2.5), bit.tobit(-1.5)}'), ev("return bit.band('x')"), ev('return bit.band()'),
  ],
  'SCRIPT subcommands': [
    ['SCRIPT', 'LOAD', 'return 7'], ['SCRIPT', 'EXISTS', '6ea1f2d5ec33d2b4e4cce1d9fca4e9d4a7b3b5c1', 'a0c38691e69d9e1b5a0b5e3bd8c6b3fa8d2b6d0c'],
    ['EVALSHA', '7d4e8f8e7d36d9c7d8e9e0b8e02dd3b1c9b0d0a9', 0], ['SCRIPT', 'LOAD', 'return +'], ['SCRIPT', 'LOAD', '#!lua flags=bad\nreturn 1'],
    ['SCRIPT', 'LOAD', '#!lua\nreturn 1'], ['SCRIPT', 'LOAD', '#!nolua\nreturn 1'], ['SCRIPT', 'LOAD', '#!lua foo=bar\nreturn 1'], ['SCRIPT', 'LOAD', '#!lua'],
    ['SCRIPT', 'FLUSH', 'NOW'], ['SCRIPT', 'FLUSH', 'SYNC'], ['SCRIPT', 'FLUSH', 'ASYNC'], ['SCRIPT', 'FLUSH'], ['SCRIPT', 'KILL'], ['SCRIPT', 'DEBUG', 'NO'],
    ['SCRIPT', 'DEBUG', 'MAYBE'], ['SCRIPT', 'NOSUCH'], ['SCRIPT', 'HELP'], ['SCRIPT'], ['SCRIPT', 'EXISTS'],
  ],
  'shebang flags and _RO': [
    ev("#!lua flags=no-writes\nreturn redis.call('set','a','b')"), ev("#!lua flags=no-writes\nreturn redis.call('get','a')"),
    ev("#!lua\nreturn redis.call('set','a','b')"), ['EVAL_RO', "return redis.call('set','a','b')", 0], ['EVAL_RO', "return redis.call('get','a')", 0],
    ['EVAL_RO', "#!lua\nreturn 1", 0], ['EVAL_RO', "#!lua flags=no-writes\nreturn 1", 0], ['EVAL_RO', "return redis.call('publish','c','m')", 0],
    ev("#!lua flags=no-writes,allow-stale,allow-oom,no-cluster,allow-cross-slot-keys\nreturn 1"), ev('#!lua flags=\nreturn 2'),
    ev("#!lua flags=no-writes\nreturn redis.call('publish','c','m')"),
  ],
  'FUNCTION subcommands': [
    ['FUNCTION', 'LOAD', LIB('lib1', "redis.register_function('f1', function(keys, args) return {keys[1], args[1]} end)")],
    ['FCALL', 'f1', 1, 'k', 'a'], ['FCALL_RO', 'f1', 1, 'k', 'a'], ['FCALL', 'nosuch', 0], ['FCALL', 'f1', 'x'], ['FCALL', 'f1', 2, 'k'],
    ['FUNCTION', 'LOAD', LIB('lib1', "redis.register_function('f1', function() return 1 end)")],
    ['FUNCTION', 'LOAD', 'REPLACE', LIB('lib1', "redis.register_function('f1', function() return 2 end)")], ['FCALL', 'f1', 0],
    ['FUNCTION', 'LOAD', LIB('lib2', "redis.register_function{function_name='f2', callback=function() return redis.call('set','fk','v') end, description='desc', flags={'no-writes'}}")],
    ['FCALL', 'f2', 0], ['FCALL_RO', 'f2', 0],
    ['FUNCTION', 'LOAD', LIB('lib3', "redis.register_function{function_name='f3', callback=function() return redis.call('set','fk','v') end}")],
    ['FCALL_RO', 'f3', 0], ['FCALL', 'f3', 0], ['FUNCTION', 'LOAD', LIB('lib4', "redis.register_function('f1', function() end)")],
    ['FUNCTION', 'LOAD', 'return 1'], ['FUNCTION', 'LOAD', '#!lua\nreturn 1'], ['FUNCTION', 'LOAD', '#!lua name=bad-name\nreturn 1'],
    ['FUNCTION', 'LOAD', '#!js name=x\nreturn 1'], ['FUNCTION', 'LOAD', LIB('empty', 'return 1')], ['FUNCTION', 'LOAD', LIB('c', 'return +')],
    ['FUNCTION', 'LOAD', LIB('g', 'local x = string.len("a")')], ['FUNCTION', 'LOAD', LIB('g', 'x = 1')], ['FUNCTION', 'LOAD', LIB('g', "redis.call('ping')")],
    ['FUNCTION', 'LOAD', LIB('g', "redis.register_function('bad name', function() end)")], ['FUNCTION', 'LOAD', LIB('g', 'redis.register_function()')],
    ['FUNCTION', 'LOAD', LIB('g', "redis.register_function('a', 1)")], ['FUNCTION', 'LOAD', LIB('g', "redis.register_function{function_name='a'}")],
    ['FUNCTION', 'LOAD', LIB('g', "redis.register_function{callback=function() end}")],
    ['FUNCTION', 'LOAD', LIB('g', "redis.register_function{function_name='a', callback=function() end, flags={'bogus'}}")],
    ['FUNCTION', 'LOAD', LIB('g', "redis.register_function{function_name='a', callback=function() end, other=1}")],
    ['FUNCTION', 'LOAD', LIB('g', "redis.register_function('a', function() end) redis.register_function('a', function() end)")],
    ['FUNCTION', 'LOAD', LIB('g', "redis.log(redis.LOG_NOTICE, 'loading') redis.register_function('glog', function() return redis.REDIS_VERSION end)")],
    ['FCALL', 'glog', 0], ['FUNCTION', 'LOAD', 'BADOPT', LIB('h', "redis.register_function('h', function() end)")],
    ['FUNCTION', 'LOAD', LIB('e', "redis.register_function('e1', function() error('boom') end) redis.register_function('e2', function() return redis.call('nosuch') end)")],
    ['FCALL', 'e1', 0], ['FCALL', 'e2', 0], ['FUNCTION', 'LIST', 'LIBRARYNAME', 'lib2'], ['FUNCTION', 'LIST', 'WITHCODE', 'LIBRARYNAME', 'lib1'],
    ['FUNCTION', 'LIST', 'LIBRARYNAME'], ['FUNCTION', 'LIST', 'BAD'], ['FUNCTION', 'DELETE', 'nosuch'], ['FUNCTION', 'DELETE', 'lib3'],
    ['FCALL', 'f3', 0], ['FUNCTION', 'STATS'], ['FUNCTION', 'KILL'], ['FUNCTION', 'FLUSH', 'BAD'], ['FUNCTION', 'FLUSH', 'SYNC', 'X'],
    ['FUNCTION', 'RESTORE', 'garbage'], ['FUNCTION', 'RESTORE', 'x', 'BADPOLICY'], ['FUNCTION', 'HELP'], ['FUNCTION', 'NOSUCH'],
    ['FUNCTION', 'FLUSH'], ['FUNCTION', 'LIST'], ['FUNCTION', 'STATS'],
  ],
};

describe.skipIf(!hasRedis())('scripting: our node answers like redis-server 7.0', () => {
  const pair = useServerPair();

  it('the 112 scripts of the engine evaluation', async () => {
    const { a, b } = pair;
    for (const [name, , body] of REPORT_SCRIPTS) {
      expect(await run(a, ev(body)), name).toEqual(await run(b, ev(body)));
    }
  });

  for (const [name, steps] of Object.entries(SEQUENCES)) {
    it(name, async () => {
      const { a, b } = pair;
      for (const client of [a, b]) await client.call('FLUSHALL');
      for (const [i, cmd] of steps.entries()) {
        const label = `#${i} ${cmd.map(String).join(' ').slice(0, 100)}`;
        const [mine, real] = [await run(a, cmd), await run(b, cmd)];
        if (cmd[0] === 'FUNCTION' && cmd[1] === 'LIST') expect(sortLists(mine), label).toEqual(sortLists(real));
        else expect(mine, label).toEqual(real);
      }
    });
  }

  it('FUNCTION DUMP / RESTORE payloads cross between the two servers', async () => {
    const { a, b } = pair;
    for (const client of [a, b]) await client.call('FUNCTION', 'FLUSH');
    const code = LIB('dumped', "redis.register_function('d1', function() return 'from the dump ' .. string.rep('x', 40) end)");
    await b.call('FUNCTION', 'LOAD', code);
    const theirDump = (await b.callBuffer('FUNCTION', 'DUMP')) as Buffer;
    expect(await a.call('FUNCTION', 'RESTORE', theirDump)).toBe('OK');
    expect(await a.call('FCALL', 'd1', 0)).toEqual(await b.call('FCALL', 'd1', 0));
    // Our LZF may find a shorter encoding than Redis's for the same code: payloads are compared by
    // what they restore, both ways.
    const ourDump = (await a.callBuffer('FUNCTION', 'DUMP')) as Buffer;
    expect(await b.call('FUNCTION', 'RESTORE', ourDump, 'FLUSH')).toBe('OK');
    expect(await b.call('FCALL', 'd1', 0)).toEqual(await a.call('FCALL', 'd1', 0));
    for (const policy of ['APPEND', 'REPLACE', 'FLUSH']) {
      expect(await run(a, ['FUNCTION', 'RESTORE', ourDump.toString('latin1'), policy]), policy).toEqual(
        await run(b, ['FUNCTION', 'RESTORE', ourDump.toString('latin1'), policy]),
      );
    }
  });

  it('RESP3 conversions (HELLO 3) are byte-identical', async () => {
    const { ours, theirs } = pair;
    const scripts = [
      "redis.setresp(3) redis.call('hset','h3','a','1') return redis.call('hgetall','h3')", "return {map={k='v'}}", "return {set={m=true}}",
      'return {double=1.25}', "return {big_number='12345678901234567890'}", "return {verbatim_string={format='txt', string='hello'}}",
      'return true', 'return false', 'redis.setresp(3) return true', 'redis.setresp(3) return false', 'return nil',
      "redis.setresp(3) return redis.call('get','nokey')", "redis.setresp(3) redis.call('zadd','z3','1.5','m') return redis.call('zscore','z3','m')",
      "redis.setresp(3) return redis.call('zscore','z3','m').double", "redis.setresp(3) redis.call('sadd','s3','x') return redis.call('smembers','s3')",
    ];
    const [mine, real] = await Promise.all([resp3Replies(ours.port, scripts), resp3Replies(theirs.port, scripts)]);
    for (const [i, s] of scripts.entries()) expect(mine[i], s).toBe(real[i]);
  });
});

/** FUNCTION LIST's order is a hash order: compare libraries sorted by name. */
function sortLists(reply: unknown): unknown {
  if (!Array.isArray(reply)) return reply;
  return [...reply].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
}

async function resp3Replies(port: number, scripts: string[]): Promise<string[]> {
  const client = await RawClient.open(port);
  const marker = '$7\r\n__end__\r\n';
  const out: string[] = [];
  try {
    await client.send(resp('HELLO', '3') + resp('ECHO', '__end__'));
    await client.waitFor('HELLO 3', (t) => t.endsWith(marker));
    let seen = client.text().length;
    for (const script of scripts) {
      await client.send(resp('EVAL', script, '0') + resp('ECHO', '__end__'));
      await client.waitFor(script, (t) => t.length > seen && t.endsWith(marker));
      const text = client.text();
      out.push(text.slice(seen, text.length - marker.length));
      seen = text.length;
    }
  } finally {
    client.destroy();
  }
  return out;
}
