// The `nodes:` section: names, replicaof references (known node, no cycle), explicit ports and
// per-node directives (under `config:` or written inline, redis.conf spelling); under mode: cluster
// also a node's shard, slots, bus port and engine (read by cluster-nodes.ts).

import type { Node } from 'yaml';
import { closest } from '../../shared/closest.js';
import { isKnownDirective } from '../../shared/directive-names.js';
import { readDirective, readDirectiveMap } from './directives.js';
import { CLUSTER_NODE_KEYS, readClusterNodeKey, type RawClusterNode } from './cluster-nodes.js';
import type { Entry, Reader } from './reader.js';
import type { DirectiveLine, Engine } from './types.js';

export interface RawNode {
  name: string;
  replicaof: string | null;
  port: number | null;
  directives: DirectiveLine[];
  /** Where to point when reporting about this node, its replicaof value, its port value. */
  at: { name: Node; replicaof?: Node; port?: Node };
  /** mode: cluster only: shard, slots, bus port and engine as written (all optional). */
  cluster?: RawClusterNode;
}

const NODE_KEYS = ['replicaof', 'port', 'config'] as const;
const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** Words the node selectors use (`clusterctl kill master`): a node may not be called that. */
const RESERVED = ['master', 'replica', 'replicas', 'all'];

export function readNodes(reader: Reader, entries: Entry[], engine: Engine, clusterMode = false): RawNode[] {
  const nodes: RawNode[] = [];
  for (const entry of entries) {
    if (!NODE_NAME.test(entry.key)) {
      reader.report(entry.keyNode, entry.path, `invalid node name "${entry.key}"`, 'Use letters, digits, "-" and "_" (it names a directory).');
      continue;
    }
    if (RESERVED.includes(entry.key.toLowerCase()) || /^replica:/i.test(entry.key)) {
      reader.report(entry.keyNode, entry.path, `"${entry.key}" is a node selector word and cannot name a node`, 'Call it e.g. m1 or r1.');
      continue;
    }
    nodes.push(readNode(reader, entry, engine, clusterMode));
  }
  checkReferences(reader, nodes);
  return nodes;
}

function readNode(reader: Reader, entry: Entry, topEngine: Engine, clusterMode: boolean): RawNode {
  const node: RawNode = { name: entry.key, replicaof: null, port: null, directives: [], at: { name: entry.keyNode } };
  if (clusterMode) node.cluster = { shard: null, slots: null, busPort: null, engine: null, at: {} };
  const fields = reader.entries(entry.value, entry.path);
  // A node's own engine (mixed clusters) decides which directive names it accepts: read it first.
  const engineField = clusterMode ? fields.find((field) => field.key === 'engine') : undefined;
  if (engineField) readClusterNodeKey(reader, engineField, node);
  const engine = node.cluster?.engine ?? topEngine;
  for (const field of fields) {
    if (field === engineField) continue;
    if ((CLUSTER_NODE_KEYS as readonly string[]).includes(field.key)) {
      readClusterNodeKey(reader, field, node);
    } else if (field.key === 'replicaof') {
      const target = reader.string(field);
      if (target !== undefined) node.replicaof = target;
      if (field.value) node.at.replicaof = field.value;
    } else if (field.key === 'port') {
      node.port = reader.integer(field, 1, 65535, 'a port number') ?? null;
      if (field.value) node.at.port = field.value;
    } else if (field.key === 'config') {
      node.directives.push(...readDirectiveMap(reader, reader.entries(field.value, field.path), engine));
    } else if (isKnownDirective(field.key, engine) || isKnownDirective(field.key, 'builtin')) {
      // A directive written inline (r1: { repl-backlog-size: 1mb }); readDirective reports engine mismatches.
      node.directives.push(...(readDirective(reader, field, engine) ?? []));
    } else {
      const keys = clusterMode ? [...NODE_KEYS, ...CLUSTER_NODE_KEYS] : NODE_KEYS;
      const guess = closest(field.key, keys);
      reader.report(
        field.keyNode,
        field.path,
        `unknown key "${field.key}" in a node (neither ${keys.join(', ')} nor a redis.conf directive)`,
        guess ? `Did you mean "${guess}"?` : `Node keys: ${keys.join(', ')}, or any redis.conf directive.`,
      );
    }
  }
  return node;
}

/** Every replicaof names a known node, not itself, and following replicaof always ends at a master. */
function checkReferences(reader: Reader, nodes: RawNode[]): void {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const names = nodes.map((node) => node.name);
  const broken = new Set<string>();
  for (const node of nodes) {
    if (node.replicaof === null) continue;
    const path = `nodes.${node.name}.replicaof`;
    if (node.replicaof === node.name) {
      reader.report(node.at.replicaof, path, `${node.name} cannot replicate from itself`, 'Remove replicaof to make it a master.');
      broken.add(node.name);
    } else if (!byName.has(node.replicaof)) {
      const guess = closest(node.replicaof, names);
      reader.report(
        node.at.replicaof,
        path,
        `no node named "${node.replicaof}" (nodes: ${names.join(', ')})`,
        guess ? `Did you mean "${guess}"?` : 'replicaof takes the name of another node.',
      );
      broken.add(node.name);
    }
  }
  const reported = new Set<string>();
  for (const start of nodes) {
    const chain: string[] = [];
    let current: RawNode | undefined = start;
    while (current && current.replicaof !== null && !broken.has(current.name)) {
      if (chain.includes(current.name)) {
        const cycle = chain.slice(chain.indexOf(current.name));
        if (!cycle.some((name) => reported.has(name))) {
          cycle.forEach((name) => reported.add(name));
          const first = byName.get(cycle[0]!)!;
          reader.report(
            first.at.replicaof,
            `nodes.${first.name}.replicaof`,
            `replication cycle: ${[...cycle, cycle[0]].join(' -> ')}`,
            'Every chain must end at a master: remove replicaof from one of these nodes.',
          );
        }
        break;
      }
      chain.push(current.name);
      current = byName.get(current.replicaof);
    }
  }
}

/** Depth of each node in its replication tree (masters 0); assumes references were validated. */
export function depthOf(nodes: { name: string; replicaof: string | null }[], name: string): number {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  let depth = 0;
  for (let node = byName.get(name); node?.replicaof; node = byName.get(node.replicaof)) {
    depth++;
    if (depth > nodes.length) break;
  }
  return depth;
}
