// A small RESP3 reader for the scripts: every value keeps its wire type ({ t, value }), which is
// what the metadata generator needs to tell a status string from a bulk string and a set from an
// array. readReply(buffer, offset) returns { value, end } or undefined when more bytes are needed.

function line(buffer, offset) {
  const end = buffer.indexOf('\r\n', offset);
  return end < 0 ? undefined : { text: buffer.toString('utf8', offset, end), next: end + 2 };
}

function readItems(buffer, offset, count) {
  const items = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    const item = readReply(buffer, at);
    if (!item) return undefined;
    items.push(item.value);
    at = item.end;
  }
  return { items, end: at };
}

const AGGREGATES = { '*': 'array', '%': 'map', '~': 'set', '>': 'push', '|': 'attribute' };
const SCALARS = { '+': 'simple', '-': 'error', ':': 'integer', ',': 'double', '#': 'bool', '(': 'bignum', _: 'null' };

export function readReply(buffer, offset) {
  if (offset >= buffer.length) return undefined;
  const type = String.fromCharCode(buffer[offset]);
  const head = line(buffer, offset + 1);
  if (!head) return undefined;
  if (type in SCALARS) {
    const t = SCALARS[type];
    const value = t === 'integer' ? Number(head.text) : t === 'null' ? null : head.text;
    return { value: { t, value }, end: head.next };
  }
  if (type === '$' || type === '=') {
    const length = Number(head.text);
    if (length < 0) return { value: { t: 'null', value: null }, end: head.next };
    if (buffer.length < head.next + length + 2) return undefined;
    const value = buffer.toString('utf8', head.next, head.next + length);
    return { value: { t: type === '$' ? 'bulk' : 'verbatim', value }, end: head.next + length + 2 };
  }
  if (type in AGGREGATES) {
    const count = Number(head.text) * (type === '%' || type === '|' ? 2 : 1);
    if (count < 0) return { value: { t: 'null', value: null }, end: head.next };
    const read = readItems(buffer, head.next, count);
    if (!read) return undefined;
    // An attribute precedes the value it describes: skip it.
    if (type === '|') return readReply(buffer, read.end);
    return { value: { t: AGGREGATES[type], value: read.items }, end: read.end };
  }
  throw new Error(`RESP3: unknown type byte ${JSON.stringify(type)}`);
}
