// A command's metadata as the COMMAND INFO and COMMAND DOCS replies of redis-server 7.0 encode it
// (server.c addReplyCommandInfo / addReplyCommandDocs): flags and categories are sets of status
// strings, tips and history sets, key specs sets of maps, and a command without subcommands answers
// an empty set where a container answers an array.

import { MapReply, SetReply, SimpleString, type Reply } from '../../../shared/resp/reply.js';
import type { ArgumentMeta, BeginSearch, CommandMeta, DocMeta, FindKeys, KeySpecMeta } from './types.js';

const statusSet = (items: readonly string[] | undefined) => new SetReply((items ?? []).map((i) => new SimpleString(i)));

function searchReply(search: BeginSearch | FindKeys): Reply {
  const { type, ...spec } = search;
  const flat: Reply[] = [];
  for (const [key, value] of Object.entries(spec)) flat.push(key, value as string | number);
  return new MapReply(['type', type, 'spec', new MapReply(flat)]);
}

function keySpecReply(spec: KeySpecMeta): Reply {
  const flat: Reply[] = spec.notes === undefined ? [] : ['notes', spec.notes];
  flat.push('flags', statusSet(spec.flags), 'begin_search', searchReply(spec.begin_search), 'find_keys', searchReply(spec.find_keys));
  return new MapReply(flat);
}

/** One COMMAND INFO entry (ten fields). */
export function commandInfoReply(meta: CommandMeta): Reply {
  const [first, last, step] = meta.keys ?? [0, 0, 0];
  return [
    meta.name,
    meta.arity,
    statusSet(meta.flags),
    first!,
    last!,
    step!,
    statusSet(meta.acl),
    new SetReply((meta.tips ?? []).map((t) => t)),
    new SetReply((meta.key_specs ?? []).map(keySpecReply)),
    meta.subcommands ? meta.subcommands.map(commandInfoReply) : new SetReply([]),
  ];
}

const ARG_STRINGS = ['token', 'summary', 'since', 'deprecated_since'] as const;

function argumentReply(arg: ArgumentMeta): Reply {
  const flat: Reply[] = ['name', arg.name, 'type', arg.type];
  if (arg.key_spec_index !== undefined) flat.push('key_spec_index', arg.key_spec_index);
  for (const field of ARG_STRINGS) if (arg[field] !== undefined) flat.push(field, arg[field]);
  if (arg.flags) flat.push('flags', statusSet(arg.flags));
  if (arg.arguments) flat.push('arguments', arg.arguments.map(argumentReply));
  return new MapReply(flat);
}

function pushString(flat: Reply[], doc: DocMeta, field: 'summary' | 'since' | 'group' | 'complexity' | 'deprecated_since' | 'replaced_by'): void {
  if (doc[field] !== undefined) flat.push(field, doc[field]);
}

/** One COMMAND DOCS map, its fields in Redis's order. */
export function commandDocsReply(meta: CommandMeta): Reply {
  const doc = meta.doc;
  const flat: Reply[] = [];
  for (const field of ['summary', 'since', 'group', 'complexity'] as const) pushString(flat, doc, field);
  if (doc.doc_flags) flat.push('doc_flags', statusSet(doc.doc_flags));
  pushString(flat, doc, 'deprecated_since');
  pushString(flat, doc, 'replaced_by');
  if (doc.history) flat.push('history', new SetReply(doc.history.map((entry) => [...entry])));
  if (doc.arguments) flat.push('arguments', doc.arguments.map(argumentReply));
  if (meta.subcommands) flat.push('subcommands', new MapReply(meta.subcommands.flatMap((sub) => [sub.name, commandDocsReply(sub)])));
  return new MapReply(flat);
}
