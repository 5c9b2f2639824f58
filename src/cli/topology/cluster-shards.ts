// mode: cluster — the `cluster:` section (short form `{ shards: 3, replicas: 1, node-timeout: 2000 }`
// or, with named nodes, just the node timeout) and the shard layout: every master starts a shard,
// every replica joins its master's shard, and slot ranges, when written, cover all 16384 slots once.

import type { Node } from 'yaml';
import { formatSlotSpan as formatSpan, HASH_SLOTS, splitSlotsLikeRedisCli, type SlotSpan } from '../../shared/slot-split.js';
import type { RawNode } from './nodes.js';
import type { Entry, Reader } from './reader.js';
import type { ShardSpec } from './types.js';

const SECTION_KEYS = ['shards', 'replicas', 'node-timeout'] as const;
/** cluster-node-timeout when the topology does not say: short enough for quick local failovers. */
export const DEFAULT_NODE_TIMEOUT_MS = 5000;

export interface ClusterSection {
  nodeTimeoutMs: number;
  /** Short form only (no `nodes:`): how many shards, how many replicas each. */
  shards: number | null;
  replicas: number;
}

export function readClusterSection(reader: Reader, entry: Entry | undefined, hasNodes: boolean): ClusterSection {
  const section: ClusterSection = { nodeTimeoutMs: DEFAULT_NODE_TIMEOUT_MS, shards: null, replicas: 0 };
  if (!entry) {
    if (!hasNodes) reader.report(null, 'cluster', 'mode: cluster needs either cluster: { shards: N } or nodes:', 'For example:  cluster: { shards: 3, replicas: 1 }');
    return section;
  }
  for (const field of reader.known(reader.entries(entry.value, 'cluster'), SECTION_KEYS, 'cluster')) {
    if (field.key === 'node-timeout') {
      section.nodeTimeoutMs = reader.integer(field, 100, 2 ** 31 - 1, 'milliseconds') ?? section.nodeTimeoutMs;
      continue;
    }
    if (hasNodes) {
      reader.report(field.keyNode, field.path, `"${field.key}" is the short form; with nodes: the shards come from the nodes`, 'Remove it, or remove nodes: to let clusterctl name the nodes.');
      continue;
    }
    // Redis itself serves a cluster of one master (ADDSLOTS of every slot); redis-cli refuses fewer
    // than 3 only because a failover needs a majority of masters to vote. Both are allowed here.
    if (field.key === 'shards') section.shards = reader.integer(field, 1, 1000, 'a number of shards') ?? null;
    else section.replicas = reader.integer(field, 0, 10, 'a number of replicas per shard') ?? 0;
  }
  if (!hasNodes && section.shards === null && !reader.issues.some((i) => i.path === 'cluster.shards')) {
    reader.report(entry.keyNode, 'cluster.shards', 'the number of shards is missing', 'For example:  cluster: { shards: 3, replicas: 1 }');
  }
  return section;
}

/**
 * The nodes of the short form, in redis-cli's order (masters first): m1..mN, then the replicas r1..,
 * the first replica of every shard before the second (r1 -> m1, r2 -> m2, ...).
 */
export function shortFormNodes(shards: number, replicas: number, at: Node): RawNode[] {
  const nodes: RawNode[] = [];
  const node = (name: string, replicaof: string | null, shard: number): RawNode => ({
    name,
    replicaof,
    port: null,
    directives: [],
    at: { name: at },
    cluster: { shard, slots: null, busPort: null, engine: null, at: {} },
  });
  for (let s = 1; s <= shards; s++) nodes.push(node(`m${s}`, null, s));
  for (let r = 0; r < replicas * shards; r++) nodes.push(node(`r${r + 1}`, `m${(r % shards) + 1}`, (r % shards) + 1));
  return nodes;
}

/** Numbers the shards, checks who belongs where and the slot ranges; fills node.cluster.shard. */
export function resolveShards(reader: Reader, nodes: RawNode[]): ShardSpec[] {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const masters = nodes.filter((node) => node.replicaof === null);
  const shards = numberMasters(reader, masters);
  for (const node of nodes) {
    if (node.replicaof === null) continue;
    const master = byName.get(node.replicaof);
    if (!master) continue; // reported by the reference check
    if (master.replicaof !== null) {
      reader.report(node.at.replicaof, `nodes.${node.name}.replicaof`, `${node.replicaof} is a replica: in Redis Cluster a replica replicates a master`, `Write replicaof: ${master.replicaof}.`);
      continue;
    }
    const mine = node.cluster!.shard;
    const theirs = master.cluster!.shard;
    if (mine !== null && theirs !== null && mine !== theirs) {
      reader.report(node.cluster!.at.shard, `nodes.${node.name}.shard`, `${node.name} is in shard ${mine} but its master ${master.name} is in shard ${theirs}`, `A replica is in its master's shard: remove shard or write shard: ${theirs}.`);
      continue;
    }
    if (node.cluster!.slots) reader.report(node.cluster!.at.slots, `nodes.${node.name}.slots`, `${node.name} is a replica: slots belong to its shard's master`, `Move slots to ${master.name}.`);
    node.cluster!.shard = theirs;
    shards.get(theirs ?? -1)?.replicas.push(node.name);
  }
  const list = [...shards.values()].sort((a, b) => a.shard - b.shard);
  assignSlots(reader, list, byName);
  return list;
}

/** Masters with `shard: N` keep it; the others take the lowest free numbers in file order. */
function numberMasters(reader: Reader, masters: RawNode[]): Map<number, ShardSpec> {
  const shards = new Map<number, ShardSpec>();
  for (const master of masters) {
    const shard = master.cluster!.shard;
    if (shard === null) continue;
    const other = shards.get(shard);
    if (other) {
      reader.report(master.cluster!.at.shard ?? master.at.name, `nodes.${master.name}.shard`, `${master.name} and ${other.master} are both masters of shard ${shard}`, `Make one a replica (replicaof: ${other.master}), or give it another shard.`);
      continue;
    }
    shards.set(shard, { shard, master: master.name, replicas: [], slots: [] });
  }
  let next = 1;
  for (const master of masters) {
    if (master.cluster!.shard !== null) continue;
    while (shards.has(next)) next++;
    master.cluster!.shard = next;
    shards.set(next, { shard: next, master: master.name, replicas: [], slots: [] });
  }
  return shards;
}

/** Slots as written (every master has some, no slot twice, none missing), else redis-cli's split. */
function assignSlots(reader: Reader, shards: ShardSpec[], byName: Map<string, RawNode>): void {
  const written = shards.filter((shard) => byName.get(shard.master)!.cluster!.slots !== null);
  if (written.length === 0) {
    splitSlotsLikeRedisCli(Math.max(shards.length, 1)).forEach((span, i) => shards[i] && (shards[i]!.slots = [span]));
    return;
  }
  for (const shard of shards) {
    const master = byName.get(shard.master)!;
    if (master.cluster!.slots === null) {
      reader.report(master.at.name, `nodes.${master.name}.slots`, `${master.name} (shard ${shard.shard}) has no slots while other shards have theirs written`, 'Write slots for every master, or for none (then clusterctl splits them evenly).');
    }
  }
  const owner = new Array<string | undefined>(HASH_SLOTS);
  for (const shard of written) {
    const master = byName.get(shard.master)!;
    shard.slots = mergeSpans(master.cluster!.slots!);
    for (const span of master.cluster!.slots!) {
      const clash = findOwned(owner, span);
      if (clash) {
        reader.report(master.cluster!.at.slots, `nodes.${master.name}.slots`, `slots ${formatSpan(clash.span)} of ${master.name} are also written for ${clash.owner}`, 'Each slot belongs to one shard.');
      }
      // The first writer keeps a contested slot; the rest of the range still counts as covered.
      for (let slot = span.start; slot <= span.end; slot++) owner[slot] ??= master.name;
    }
  }
  const missing = unowned(owner);
  if (missing.length > 0 && written.length === shards.length) {
    const master = byName.get(written[0]!.master)!;
    const list = missing.slice(0, 5).map(formatSpan).join(', ') + (missing.length > 5 ? `, ... (${missing.length} ranges)` : '');
    const one = missing.length === 1 && missing[0]!.start === missing[0]!.end;
    reader.report(master.cluster!.at.slots, `nodes.${master.name}.slots`, `${one ? 'slot' : 'slots'} ${list} ${one ? 'belongs' : 'belong'} to no shard`, 'Every one of the 16384 slots needs a shard, or the cluster never reports cluster_state:ok.');
  }
}

function findOwned(owner: (string | undefined)[], span: SlotSpan): { span: SlotSpan; owner: string } | undefined {
  let first = -1;
  for (let slot = span.start; slot <= span.end; slot++) if (owner[slot] !== undefined) {
    first = slot;
    break;
  }
  if (first < 0) return undefined;
  let last = first;
  while (last + 1 <= span.end && owner[last + 1] === owner[first]) last++;
  return { span: { start: first, end: last }, owner: owner[first]! };
}

function unowned(owner: (string | undefined)[]): SlotSpan[] {
  const spans: SlotSpan[] = [];
  for (let slot = 0; slot < HASH_SLOTS; slot++) {
    if (owner[slot] !== undefined) continue;
    const last = spans[spans.length - 1];
    if (last && last.end === slot - 1) last.end = slot;
    else spans.push({ start: slot, end: slot });
  }
  return spans;
}

/** Sorted, adjacent ranges joined: the form the nodes will report them in. */
function mergeSpans(spans: SlotSpan[]): SlotSpan[] {
  const merged: SlotSpan[] = [];
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end + 1) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}
