// Key extraction from key specs (base/key-specs.ts) against redis-server 7.0.15: every case below is
// what `COMMAND GETKEYSANDFLAGS <line>` answered there (keys with their flags; 'invalid' = "ERR Invalid
// arguments specified for command", 'no keys' = "ERR The command has no key arguments"). Commands the
// node does not implement yet are included: their keys come from the metadata alone.

import { describe, expect, it } from 'vitest';
import { commandMeta, type CommandMeta } from '../../src/server/base/command-metadata/index.js';
import { commandHasKeys, commandKeys, keysFromSpecs } from '../../src/server/base/key-specs.js';

type Expected = [string, string][] | 'invalid' | 'no keys';

const CASES: [string[], Expected][] = [
  [['zunionstore', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2'], [['d', 'OW update'], ['a', 'RO access'], ['b', 'RO access']]],
  [['zunionstore', 'd', '0', 'a'], 'invalid'],
  [['zunionstore', 'd', '3abc', 'a', 'b', 'c'], [['a', ''], ['b', ''], ['c', ''], ['d', '']]],
  [['zunionstore', 'd', '5', 'a'], 'invalid'],
  [['zinterstore', 'd', '1', 'a'], [['d', 'OW update'], ['a', 'RO access']]],
  [['zdiffstore', 'd', '2', 'a', 'b'], [['d', 'OW update'], ['a', 'RO access'], ['b', 'RO access']]],
  [['zunion', '2', 'a', 'b'], [['a', 'RO access'], ['b', 'RO access']]],
  [['xread', 'COUNT', '1', 'STREAMS', 'a', 'b', '0', '0'], [['a', 'RO access'], ['b', 'RO access']]],
  [['xread', 'streams', 'a', 'b', '0'], [['a', 'RO access']]],
  [['xread', 'count', 'streams', 'streams', 'a', '0'], [['streams', 'RO access']]],
  [['xread', 'BLOCK', '0', 'STREAMS', 'a', '0'], [['a', 'RO access']]],
  [['xreadgroup', 'GROUP', 'g', 'c', 'STREAMS', 'a', 'b', '0', '0'], [['a', 'RO access'], ['b', 'RO access']]],
  [['xreadgroup', 'GROUP', 'streams', 'c', 'COUNT', '1', 'STREAMS', 'a', '>'], [['a', 'RO access']]],
  [['xreadgroup', 'GROUP', 'g', 'c', 'NOACK', 'STREAMS', 's'], 'invalid'],
  [['sort', 'k'], [['k', 'RO access']]],
  [['sort', 'k', 'STORE', 'd'], [['k', 'RO access'], ['d', 'OW update']]],
  [['sort', 'k', 'BY', 'x', 'STORE', 'd', 'GET', 'y'], [['k', 'RO access'], ['d', 'OW update']]],
  [['sort', 'k', 'STORE', 'd1', 'STORE', 'd2'], [['k', 'RO access'], ['d2', 'OW update']]],
  [['sort', 'k', 'GET', 'store', 'LIMIT', '0', '1'], [['k', 'RO access']]],
  [['sort', 'k', 'store'], [['k', 'RO access']]],
  [['sort_ro', 'k', 'BY', 'x'], [['k', 'RO access']]],
  [['eval', 's', '2', 'a', 'b', 'c'], [['a', 'RW access update'], ['b', 'RW access update']]],
  [['eval', 's', '0'], []],
  [['eval', 's', '-1'], []],
  [['eval', 's', '3abc', 'a', 'b', 'c'], [['a', ''], ['b', ''], ['c', '']]],
  [['eval', 's', '5', 'a'], []],
  [['evalsha_ro', 'x', '1', 'a'], [['a', 'RO access']]],
  [['fcall', 'f', '1', 'k', 'arg'], [['k', 'RW access update']]],
  [['eval', 's', '4294967297', 'a'], [['a', 'RW access update']]],
  [['migrate', 'h', '6379', 'k', '0', '10'], [['k', 'RW access delete']]],
  [['migrate', 'h', '6379', '', '0', '10', 'KEYS', 'a', 'b'], [['a', 'RW access delete'], ['b', 'RW access delete']]],
  [['migrate', 'h', '6379', 'k', '0', '10', 'KEYS', 'a'], 'invalid'],
  [['migrate', 'h', '6379', '', '0', '10', 'COPY', 'AUTH', 'keys', 'KEYS', 'a'], [['a', 'RW access delete']]],
  [['migrate', 'h', '6379', '', '0', '10', 'AUTH2', 'u', 'p', 'KEYS', 'a', 'b'], [['a', 'RW access delete'], ['b', 'RW access delete']]],
  [['georadius', 'k', '1', '2', '3', 'm'], [['k', 'RO access']]],
  [['georadius', 'k', '1', '2', '3', 'm', 'STORE', 'd'], [['k', 'RO access'], ['d', 'OW update']]],
  [['georadius', 'k', '1', '2', '3', 'm', 'STORE', 'd', 'STOREDIST', 'e'], [['k', 'RO access'], ['d', 'OW update'], ['e', 'OW update']]],
  [['georadiusbymember', 'k', 'm', '3', 'm', 'STOREDIST', 'e'], [['k', 'RO access'], ['e', 'OW update']]],
  [['georadius_ro', 'k', '1', '2', '3', 'm'], [['k', 'RO access']]],
  [['lmpop', '2', 'a', 'b', 'LEFT'], [['a', 'RW access delete'], ['b', 'RW access delete']]],
  [['lmpop', '0', 'a', 'LEFT'], 'invalid'],
  [['blmpop', '0', '2', 'a', 'b', 'LEFT'], [['a', 'RW access delete'], ['b', 'RW access delete']]],
  [['zmpop', '1', 'a', 'MIN'], [['a', 'RW access delete']]],
  [['bzmpop', '1', '1', 'a', 'MIN'], [['a', 'RW access delete']]],
  [['sintercard', '2', 'a', 'b'], [['a', 'RO access'], ['b', 'RO access']]],
  [['zintercard', '2', 'a', 'b', 'LIMIT', '1'], [['a', 'RO access'], ['b', 'RO access']]],
  [['object', 'encoding', 'k'], [['k', 'RO']]],
  [['object', 'freq', 'k'], [['k', 'RO']]],
  [['object', 'help'], 'no keys'],
  [['memory', 'usage', 'k'], [['k', 'RO']]],
  [['memory', 'usage', 'k', 'SAMPLES', '5'], [['k', 'RO']]],
  [['memory', 'stats'], 'no keys'],
  [['set', 'k', 'v'], [['k', 'OW update']]],
  [['set', 'k', 'v', 'GET'], [['k', 'RW access update']]],
  [['set', 'k', 'v', 'EX', '10', 'get'], [['k', 'RW access update']]],
  [['bitfield', 'k', 'GET', 'u8', '0'], [['k', 'RO access']]],
  [['bitfield', 'k', 'SET', 'u8', '0', '1'], [['k', 'RW access update']]],
  [['bitfield', 'k', 'GET', 'u8'], [['k', 'RW access update']]],
  [['bitfield_ro', 'k', 'GET', 'u8', '0'], [['k', 'RO access']]],
  [['smove', 'a', 'b', 'm'], [['a', 'RW access delete'], ['b', 'RW insert']]],
  [['lmove', 'a', 'b', 'LEFT', 'RIGHT'], [['a', 'RW access delete'], ['b', 'RW insert']]],
  [['mset', 'a', '1', 'b', '2'], [['a', 'OW update'], ['b', 'OW update']]],
  [['mset', 'a', '1', 'b'], [['a', 'OW update'], ['b', 'OW update']]],
  [['del', 'a', 'b'], [['a', 'RM delete'], ['b', 'RM delete']]],
  [['blpop', 'a', 'b', '0'], [['a', 'RW access delete'], ['b', 'RW access delete']]],
  [['rename', 'a', 'b'], [['a', 'RW access delete'], ['b', 'OW update']]],
  [['copy', 'a', 'b'], [['a', 'RO access'], ['b', 'OW update']]],
  [['pfmerge', 'd', 'a', 'b'], [['d', 'RW access insert'], ['a', 'RO access'], ['b', 'RO access']]],
  [['getex', 'k'], [['k', 'RW access update']]],
  [['spublish', 'c', 'm'], 'no keys'],
  [['ssubscribe', 'c'], 'no keys'],
  [['publish', 'c', 'm'], 'no keys'],
  [['config', 'get', 'x'], 'no keys'],
  [['xinfo', 'stream', 's'], [['s', 'RO access']]],
  [['xadd', 's', '*', 'f', 'v'], [['s', 'RW update']]],
  [['pfcount', 'a', 'b'], [['a', 'RW access'], ['b', 'RW access']]],
  [['lcs', 'a', 'b'], [['a', 'RO access'], ['b', 'RO access']]],
  [['touch', 'a'], [['a', 'RO']]],
  [['watch', 'a', 'b'], [['a', 'RO'], ['b', 'RO']]],
  [['bitop', 'and', 'd', 'a', 'b'], [['d', 'OW update'], ['a', 'RO access'], ['b', 'RO access']]],
  [['restore', 'k', '0', 'x'], [['k', 'OW update']]],
  [['geosearchstore', 'd', 's', 'FROMMEMBER', 'm', 'BYRADIUS', '1', 'm'], [['d', 'OW update'], ['s', 'RO access']]],
  [['sunionstore', 'd', 'a', 'b'], [['d', 'OW update'], ['a', 'RO access'], ['b', 'RO access']]],
  [['debug', 'object', 'k'], 'no keys'],
];

/** The command a line runs: a container's subcommand when it has one (Redis lookupCommand). */
function metaOf(line: string[]): CommandMeta {
  const base = commandMeta(line[0]!)!;
  return base.subcommands && line.length > 1 ? commandMeta(`${line[0]}|${line[1]}`)! : base;
}

/** What GETKEYSANDFLAGS answers for a line of the right arity (Redis getKeysSubcommandImpl). */
function getKeysAndFlags(line: string[]): Expected {
  const meta = metaOf(line);
  if (!commandHasKeys(meta)) return 'no keys';
  const keys = commandKeys(meta, line);
  if (keys.length === 0 && !meta.flags.includes('no_mandatory_keys')) return 'invalid';
  return keys.map((k) => [line[k.pos]!, k.flags.join(' ')]);
}

describe('key specs: COMMAND GETKEYSANDFLAGS of redis-server 7.0.15', () => {
  it.each(CASES)('%j', (line, expected) => {
    expect(getKeysAndFlags(line)).toEqual(expected);
  });
});

describe('keysFromSpecs options', () => {
  it('includes not_key arguments only when asked (SPUBLISH channel)', () => {
    const specs = commandMeta('spublish')!.key_specs!;
    expect(keysFromSpecs(specs, ['spublish', 'ch', 'msg'])).toEqual([]);
    expect(keysFromSpecs(specs, ['spublish', 'ch', 'msg'], { includeNotKeys: true })).toEqual([{ pos: 1, flags: ['not_key'] }]);
  });

  it('keeps what complete specs found when partial results are allowed (MIGRATE ... KEYS)', () => {
    const specs = commandMeta('migrate')!.key_specs!;
    const line = ['migrate', 'h', '1', '', '0', '10', 'KEYS', 'a', 'b'];
    // The KEYS spec is incomplete: without `partial` the specs give up and MIGRATE's key function answers.
    expect(keysFromSpecs(specs, line)).toBeUndefined();
    expect(keysFromSpecs(specs, line, { partial: true })!.map((k) => k.pos)).toEqual([3, 7, 8]);
  });

  it('refuses an unknown begin_search unless partial (SORT BY / STORE)', () => {
    const specs = commandMeta('sort')!.key_specs!;
    expect(keysFromSpecs(specs, ['sort', 'k', 'STORE', 'd'])).toBeUndefined();
    expect(keysFromSpecs(specs, ['sort', 'k', 'STORE', 'd'], { partial: true })).toEqual([{ pos: 1, flags: ['RO', 'access'] }]);
  });
});
