// The shape of one command's metadata: what COMMAND INFO and COMMAND DOCS of redis-server 7.0 say
// about it (server.c addReplyCommandInfo / addReplyCommandDocs), with the fields Redis omits left out.
// Field names follow Redis's replies, so the generated data reads like the replies it came from.

/** Where a key spec starts looking (Redis `begin_search`). */
export type BeginSearch =
  | { type: 'index'; index: number }
  /** The first argument equal (case-insensitively) to `keyword`, scanning from `startfrom` (negative: from the end, backwards). */
  | { type: 'keyword'; keyword: string; startfrom: number }
  | { type: 'unknown' };

/** How a key spec finds its keys from where the search began (Redis `find_keys`). */
export type FindKeys =
  /** `lastkey` relative to the start (negative: from the end); `limit` > 1 keeps 1/limit of the rest. */
  | { type: 'range'; lastkey: number; keystep: number; limit: number }
  /** The number of keys is the argument at `keynumidx`; the first key is `firstkey` after the start. */
  | { type: 'keynum'; keynumidx: number; firstkey: number; keystep: number }
  | { type: 'unknown' };

export interface KeySpecMeta {
  notes?: string;
  /** RO / RW / OW / RM, access / update / insert / delete, not_key, incomplete, variable_flags. */
  flags: readonly string[];
  begin_search: BeginSearch;
  find_keys: FindKeys;
}

export interface ArgumentMeta {
  name: string;
  /** string, integer, double, key, pattern, unix-time, pure-token, oneof, block. */
  type: string;
  key_spec_index?: number;
  token?: string;
  summary?: string;
  since?: string;
  deprecated_since?: string;
  /** optional, multiple, multiple_token. */
  flags?: readonly string[];
  /** Only for `oneof` and `block`. */
  arguments?: readonly ArgumentMeta[];
}

/** COMMAND DOCS fields (subcommands apart: they are CommandMeta.subcommands). */
export interface DocMeta {
  summary?: string;
  since?: string;
  group: string;
  complexity?: string;
  doc_flags?: readonly string[];
  deprecated_since?: string;
  replaced_by?: string;
  history?: readonly (readonly string[])[];
  arguments?: readonly ArgumentMeta[];
}

export interface CommandMeta {
  /** Full name, lowercase: `get`, `config|get`. */
  name: string;
  arity: number;
  /** COMMAND INFO flags, in Redis's order (may_replicate and protected are never shown). */
  flags: readonly string[];
  /** The legacy (first, last, step) triple, absent when 0 0 0. */
  keys?: readonly [number, number, number] | readonly number[];
  /** ACL categories with their `@`, in Redis's order. */
  acl: readonly string[];
  tips?: readonly string[];
  key_specs?: readonly KeySpecMeta[];
  doc: DocMeta;
  /** Sorted by name. */
  subcommands?: readonly CommandMeta[];
}
