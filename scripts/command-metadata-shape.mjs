// Turns redis-server 7.0's RESP3 COMMAND INFO and COMMAND DOCS replies (typed by resp3.mjs) into the
// node's CommandMeta records (src/server/base/command-metadata/types.ts), checking every field has
// the wire type the node's encoder gives it (server.c addReplyCommandInfo / addReplyCommandDocs).

function want(node, type, where) {
  if (node?.t !== type) throw new Error(`${where}: expected ${type}, got ${node?.t ?? 'nothing'}`);
  return node.value;
}

const simpleSet = (node, where) => want(node, 'set', where).map((item) => want(item, 'simple', where));
const bulkSet = (node, where) => want(node, 'set', where).map((item) => want(item, 'bulk', where));

/** A RESP3 map as [key, value] pairs, its keys checked to come in `order` (Redis's fixed order). */
function entries(node, order, where) {
  const flat = want(node, 'map', where);
  const pairs = [];
  let last = -1;
  for (let i = 0; i < flat.length; i += 2) {
    const key = want(flat[i], 'bulk', where);
    const at = order.indexOf(key);
    if (at <= last) throw new Error(`${where}: field ${key} unknown or out of order`);
    last = at;
    pairs.push([key, flat[i + 1]]);
  }
  return pairs;
}

function searchSpec(node, where) {
  const fields = Object.fromEntries(entries(node, ['type', 'spec'], where));
  const type = want(fields.type, 'bulk', where);
  const spec = Object.fromEntries(entries(fields.spec, ['index', 'keyword', 'startfrom', 'lastkey', 'keynumidx', 'firstkey', 'keystep', 'limit'], where));
  const out = { type };
  for (const [key, value] of Object.entries(spec)) out[key] = key === 'keyword' ? want(value, 'bulk', where) : want(value, 'integer', where);
  return out;
}

function keySpec(node, where) {
  const out = {};
  for (const [key, value] of entries(node, ['notes', 'flags', 'begin_search', 'find_keys'], where)) {
    if (key === 'notes') out.notes = want(value, 'bulk', where);
    else if (key === 'flags') out.flags = simpleSet(value, where);
    else out[key] = searchSpec(value, `${where} ${key}`);
  }
  return out;
}

const ARG_FIELDS = ['name', 'type', 'key_spec_index', 'token', 'summary', 'since', 'deprecated_since', 'flags', 'arguments'];

function argument(node, where) {
  const out = {};
  for (const [key, value] of entries(node, ARG_FIELDS, where)) {
    if (key === 'key_spec_index') out[key] = want(value, 'integer', where);
    else if (key === 'flags') out[key] = simpleSet(value, where);
    else if (key === 'arguments') out[key] = want(value, 'array', where).map((a) => argument(a, where));
    else out[key] = want(value, 'bulk', where);
  }
  return out;
}

const DOC_FIELDS = ['summary', 'since', 'group', 'complexity', 'module', 'doc_flags', 'deprecated_since', 'replaced_by', 'history', 'arguments', 'subcommands'];

/** One COMMAND DOCS map; subcommand docs are returned apart, keyed by full name. */
function docs(node, where) {
  const doc = {};
  const subDocs = new Map();
  for (const [key, value] of entries(node, DOC_FIELDS, where)) {
    if (key === 'doc_flags') doc[key] = simpleSet(value, where);
    else if (key === 'history') {
      doc[key] = want(value, 'set', where).map((pair) => want(pair, 'array', where).map((s) => want(s, 'bulk', where)));
    } else if (key === 'arguments') doc[key] = want(value, 'array', where).map((a) => argument(a, `${where} argument`));
    else if (key === 'subcommands') {
      const flat = want(value, 'map', where);
      for (let i = 0; i < flat.length; i += 2) subDocs.set(want(flat[i], 'bulk', where), flat[i + 1]);
    } else doc[key] = want(value, 'bulk', where);
  }
  return { doc, subDocs };
}

/** One COMMAND INFO entry with its docs, subcommands sorted by name. */
function command(info, docNode) {
  const fields = want(info, 'array', 'COMMAND INFO entry');
  if (fields.length !== 10) throw new Error('COMMAND INFO entry: expected 10 fields');
  const name = want(fields[0], 'bulk', 'name');
  const keys = [3, 4, 5].map((i) => want(fields[i], 'integer', name));
  const { doc, subDocs } = docs(docNode, `${name} docs`);
  const out = { name, arity: want(fields[1], 'integer', name), flags: simpleSet(fields[2], `${name} flags`) };
  if (keys.some((k) => k !== 0)) out.keys = keys;
  out.acl = simpleSet(fields[6], `${name} acl`);
  const tips = bulkSet(fields[7], `${name} tips`);
  if (tips.length) out.tips = tips;
  const specs = want(fields[8], 'set', `${name} key specs`).map((s) => keySpec(s, `${name} key spec`));
  if (specs.length) out.key_specs = specs;
  out.doc = doc;
  // No subcommands: Redis answers an empty set here, a container an array.
  if (fields[9].t === 'array') {
    const subs = fields[9].value.map((sub) => {
      const subName = want(sub.value[0], 'bulk', name);
      if (!subDocs.has(subName)) throw new Error(`${subName}: in COMMAND INFO but not in COMMAND DOCS`);
      return command(sub, subDocs.get(subName));
    });
    out.subcommands = subs.sort((a, b) => (a.name < b.name ? -1 : 1));
  } else if (want(fields[9], 'set', name).length !== 0) throw new Error(`${name}: subcommands as a non-empty set`);
  return out;
}

export function toCommandMeta(infoReply, docsReply) {
  const docsFlat = want(docsReply, 'map', 'COMMAND DOCS');
  const docsByName = new Map();
  for (let i = 0; i < docsFlat.length; i += 2) docsByName.set(want(docsFlat[i], 'bulk', 'COMMAND DOCS'), docsFlat[i + 1]);
  const out = want(infoReply, 'array', 'COMMAND INFO').map((entry) => {
    const name = want(entry.value[0], 'bulk', 'COMMAND INFO');
    if (!docsByName.has(name)) throw new Error(`${name}: in COMMAND INFO but not in COMMAND DOCS`);
    return command(entry, docsByName.get(name));
  });
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}
