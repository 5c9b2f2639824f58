// The command table against the metadata the node reports (base/command-metadata): every command
// and subcommand the node implements must have metadata whose arity, flags and key triple equal its
// CommandSpec's, so what the dispatcher does cannot drift from what COMMAND INFO says. Also prints
// which of redis-server 7.0's commands the node does not implement yet (informative, never failing).

import { describe, expect, it } from 'vitest';
import { buildCommandTable } from '../../src/server/commands/registry.js';
import { ACL_CATEGORIES, aclCategoriesOf, commandMeta, redisCommands, type CommandMeta } from '../../src/server/base/command-metadata/index.js';
import { OWN_COMMANDS, OWN_SUBCOMMANDS } from '../../src/server/base/command-metadata/own-commands.js';
import type { CommandSpec } from '../../src/server/base/command-spec.js';

const table = buildCommandTable();

/**
 * The flags the node models: CommandFlag's members today, and any a spec carries. A flag modelled
 * must be on every command Redis gives it to; one no spec carries yet (skip_slowlog, asking, ...)
 * is not compared, as nothing in the node acts on it.
 */
const MODELLED = new Set<string>([
  ...['write', 'readonly', 'denyoom', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale'],
  ...['skip_monitor', 'fast', 'no_auth', 'no_multi', 'allow_busy', 'movablekeys'],
  ...[...table.values()].flatMap((spec) => [spec, ...(spec.subcommands ?? [])]).flatMap((spec) => spec.flags),
]);

function implemented(): [string, CommandSpec][] {
  return [...table].flatMap(([name, spec]) => [
    [name, spec] as [string, CommandSpec],
    ...(spec.subcommands ?? []).map((sub) => [`${name}|${sub.name}`, sub] as [string, CommandSpec]),
  ]);
}

/** Redis's implicit categories from flags (acl.c setImplicitACLCategories), in ACL CAT order. */
function implicitCategories(meta: CommandMeta): string[] {
  const has = (f: string) => meta.flags.includes(f);
  const scripting = meta.acl.includes('@scripting');
  const implied = new Set<string>();
  if (has('write')) implied.add('write');
  if (has('readonly') && !scripting) implied.add('read');
  if (has('admin')) implied.add('admin').add('dangerous');
  if (has('pubsub')) implied.add('pubsub');
  implied.add(has('fast') ? 'fast' : 'slow');
  if (has('blocking')) implied.add('blocking');
  return ACL_CATEGORIES.filter((c) => implied.has(c)).map((c) => `@${c}`);
}

describe('command metadata', () => {
  it.each(implemented())('%s: the spec equals its metadata (arity, flags, key triple)', (fullName, spec) => {
    const meta = commandMeta(fullName);
    expect(meta, `${fullName} has no metadata`).toBeDefined();
    expect(spec.arity).toBe(meta!.arity);
    // may_replicate is one Redis never shows (server.c addReplyFlagsForCommand).
    const ours = spec.flags.filter((f) => f !== 'may_replicate').sort();
    expect(ours).toEqual(meta!.flags.filter((f) => MODELLED.has(f)).sort());
    expect([spec.firstKey, spec.lastKey, spec.step]).toEqual([...(meta!.keys ?? [0, 0, 0])]);
  });

  it('lists the redis-server 7.0 commands the node does not implement yet', () => {
    const missing: string[] = [];
    for (const meta of redisCommands()) {
      const spec = table.get(meta.name);
      if (!spec) {
        missing.push(meta.name);
        continue;
      }
      for (const sub of meta.subcommands ?? []) {
        if (!spec.subcommands?.some((s) => `${meta.name}|${s.name}` === sub.name)) missing.push(sub.name);
      }
    }
    console.log(`not implemented yet (${missing.length} of redis-server 7.0's commands and subcommands):\n${missing.join(' ')}`);
    // Our own commands must not take a name redis-server uses.
    for (const own of OWN_COMMANDS) expect(redisCommands().map((m) => m.name)).not.toContain(own.name);
  });

  it('gives every Redis command the categories its flags imply, plus its own', () => {
    for (const meta of redisCommands().flatMap((m) => [m, ...(m.subcommands ?? [])])) {
      expect(meta.acl, meta.name).toEqual(expect.arrayContaining(implicitCategories(meta)));
      for (const category of meta.acl) expect(ACL_CATEGORIES).toContain(category.slice(1));
    }
  });

  it('gives our own commands exactly the categories Redis would imply, plus their group', () => {
    const own = [...OWN_COMMANDS.flatMap((m) => [m, ...(m.subcommands ?? [])]), ...OWN_SUBCOMMANDS];
    for (const meta of own) {
      const extra = meta.acl.filter((c) => !implicitCategories(meta).includes(c));
      expect(extra, meta.name).toEqual(meta.doc.group === 'connection' ? ['@connection'] : []);
    }
  });

  it('answers the ACL table for a command, a subcommand and nothing', () => {
    expect(aclCategoriesOf('GET')).toEqual(['@read', '@string', '@fast']);
    expect(aclCategoriesOf('config|set')).toEqual(['@admin', '@slow', '@dangerous']);
    expect(aclCategoriesOf('fencing|lease')).toEqual(['@admin', '@fast', '@dangerous']);
    expect(aclCategoriesOf('nosuch')).toBeUndefined();
  });

  it('points every key argument at a key spec of its command', () => {
    const walk = (meta: CommandMeta, args: NonNullable<CommandMeta['doc']['arguments']>): void => {
      for (const arg of args) {
        if (arg.key_spec_index !== undefined) expect(meta.key_specs?.[arg.key_spec_index], meta.name).toBeDefined();
        if (arg.arguments) walk(meta, arg.arguments);
      }
    };
    for (const meta of redisCommands().flatMap((m) => [m, ...(m.subcommands ?? [])])) walk(meta, meta.doc.arguments ?? []);
  });
});
