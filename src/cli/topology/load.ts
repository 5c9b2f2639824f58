// Turns topology text (a clusterctl.yaml, a template, or the built-in default) into a ClusterSpec,
// or into the list of every problem found, each located at file:line:col with a hint.

import { existsSync, readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type Node } from 'yaml';
import { readDirectiveMap } from './directives.js';
import { clusterModeSpec, readMode } from './cluster-mode.js';
import { readClusterSection, shortFormNodes } from './cluster-shards.js';
import { readNodes, type RawNode } from './nodes.js';
import { allocatePorts } from './ports.js';
import { Reader, type Entry } from './reader.js';
import { readSentinels } from './sentinels.js';
import { DEFAULT_PORT_BASE, DEFAULT_SENTINEL_PORT_BASE, type ClusterSpec, type Engine, type TopologyIssue } from './types.js';

export const DEFAULT_TOPOLOGY_FILE = 'clusterctl.yaml';
const TOP_KEYS = ['name', 'mode', 'engine', 'binaries', 'ports', 'defaults', 'nodes', 'sentinels', 'cluster'] as const;
const ENGINES: Engine[] = ['builtin', 'redis'];
const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The built-in default: one master, two replicas and three sentinels; = templates/default.yaml. */
export const DEFAULT_TOPOLOGY_YAML = `# One master, two replicas and three sentinels (the built-in default).
name: default
engine: builtin
ports: { base: 7000, sentinels: 26379 }
defaults:
  # redis.conf directives for every node (the node sections can override them).
  repl-backlog-size: 1mb
nodes:
  m1: {}
  r1: { replicaof: m1 }
  r2: { replicaof: m1 }
sentinels:
  # clusterctl-sentinel processes (redis-sentinel on engine redis) watching m1 as "mymaster".
  count: 3
  quorum: 2
  down-after-milliseconds: 1000
  failover-timeout: 10000
`;

export interface ParseResult {
  spec?: ClusterSpec;
  issues: TopologyIssue[];
}

export function parseTopology(text: string, file: string, source = file): ParseResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const reader = new Reader(file, lines);
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const { line, col } = lines.linePos(error.pos[0]);
      reader.issues.push({ file, line, col, path: '', message: `YAML: ${error.message.split('\n')[0]}` });
    }
    return { issues: reader.issues };
  }
  const spec = readSpec(reader, doc.contents as Node | null, source);
  const issues = [...reader.issues].sort((a, b) => a.line - b.line || a.col - b.col);
  return issues.length > 0 ? { issues } : { spec, issues: [] };
}

function readSpec(reader: Reader, root: Node | null, source: string): ClusterSpec {
  const top = new Map(reader.known(reader.entries(root, ''), TOP_KEYS, 'the topology').map((e) => [e.key, e]));
  const name = readName(reader, top.get('name'));
  const clusterMode = readMode(reader, top);
  const engine = readEngine(reader, top.get('engine'));
  const binaries = readBinaries(reader, top.get('binaries'), engine);
  const defaults = top.has('defaults') ? readDirectiveMap(reader, reader.entries(top.get('defaults')!.value, 'defaults'), engine) : [];
  const section = clusterMode ? readClusterSection(reader, top.get('cluster'), top.has('nodes')) : null;
  const nodesEntry = top.get('nodes');
  let nodes: RawNode[];
  if (nodesEntry) {
    const before = reader.issues.length;
    const entries = reader.entries(nodesEntry.value, 'nodes');
    if (entries.length === 0 && reader.issues.length === before) {
      reader.report(nodesEntry.value ?? nodesEntry.keyNode, 'nodes', 'at least one node is needed', 'For example:  nodes: { m1: {} }');
    }
    nodes = readNodes(reader, entries, engine, clusterMode);
  } else if (section) {
    nodes = section.shards === null ? [] : shortFormNodes(section.shards, section.replicas, top.get('cluster')!.keyNode);
  } else {
    nodes = defaultNodes();
  }
  const sentinelsEntry = top.get('sentinels');
  let sentinels = null;
  if (sentinelsEntry && clusterMode) {
    reader.report(sentinelsEntry.keyNode, 'sentinels', 'a Redis Cluster has no sentinels: its masters vote failovers themselves', 'Remove sentinels:, or remove mode: cluster.');
  } else if (sentinelsEntry) sentinels = readSentinels(reader, sentinelsEntry, nodes);
  const bases = readPortBases(reader, top.get('ports'), clusterMode);
  const cluster = section ? clusterModeSpec(reader, nodes, section, engine) : undefined;
  const ports = allocatePorts(reader, nodes, bases, sentinels?.count ?? 0);
  return {
    name,
    engine,
    source,
    binaries,
    nodes: nodes.map((node) => {
      const directives = [...defaults, ...node.directives];
      const spec = { name: node.name, port: ports.nodes.get(node.name)!, replicaof: node.replicaof, directives };
      return cluster ? { ...spec, cluster: cluster.nodeSpec(node, ports.bus.get(node.name)!, directives) } : spec;
    }),
    sentinels: sentinels && {
      count: sentinels.count,
      quorum: sentinels.quorum,
      monitorName: sentinels.monitorName,
      master: sentinels.master,
      downAfterMs: sentinels.downAfterMs,
      failoverTimeoutMs: sentinels.failoverTimeoutMs,
      ports: ports.sentinels,
    },
    ...(cluster ? { cluster: cluster.spec } : {}),
  };
}

function readName(reader: Reader, entry: Entry | undefined): string {
  if (!entry) return 'default';
  const name = reader.string(entry);
  if (name !== undefined && !CLUSTER_NAME.test(name)) {
    reader.report(entry.value, 'name', `invalid cluster name "${name}"`, 'Use letters, digits, ".", "-" and "_" (it names a directory).');
  }
  return name ?? 'default';
}

function readEngine(reader: Reader, entry: Entry | undefined): Engine {
  if (!entry) return 'builtin';
  const value = reader.string(entry);
  if (value === undefined) return 'builtin';
  if (!ENGINES.includes(value as Engine)) {
    reader.report(entry.value, 'engine', `unknown engine "${value}"`, 'Use builtin (clusterctl-node) or redis (redis-server from PATH).');
    return 'builtin';
  }
  return value as Engine;
}

function readBinaries(reader: Reader, entry: Entry | undefined, engine: Engine): ClusterSpec['binaries'] {
  const binaries = engine === 'redis' ? { server: 'redis-server', sentinel: 'redis-sentinel' } : { server: '', sentinel: '' };
  if (!entry) return binaries;
  for (const field of reader.known(reader.entries(entry.value, 'binaries'), ['server', 'sentinel'], 'binaries')) {
    const value = reader.string(field);
    if (value !== undefined) binaries[field.key as 'server' | 'sentinel'] = value;
  }
  return binaries;
}

function readPortBases(reader: Reader, entry: Entry | undefined, clusterMode: boolean) {
  const bases = { base: DEFAULT_PORT_BASE, sentinels: DEFAULT_SENTINEL_PORT_BASE } as Parameters<typeof allocatePorts>[2];
  if (!entry) return bases;
  for (const field of reader.known(reader.entries(entry.value, 'ports'), clusterMode ? ['base', 'bus'] : ['base', 'sentinels'], 'ports')) {
    const value = reader.integer(field, 1024, 65535, 'a port number');
    if (value === undefined) continue;
    if (field.key === 'base') Object.assign(bases, { base: value, baseNode: field.value });
    else if (field.key === 'bus') Object.assign(bases, { bus: value, busNode: field.value });
    else Object.assign(bases, { sentinels: value, sentinelsNode: field.value });
  }
  return bases;
}

function defaultNodes(): RawNode[] {
  const at = { name: null as unknown as Node };
  return [
    { name: 'm1', replicaof: null, port: null, directives: [], at },
    { name: 'r1', replicaof: 'm1', port: null, directives: [], at },
    { name: 'r2', replicaof: 'm1', port: null, directives: [], at },
  ];
}

/** Reads a topology file; a missing file is reported as an issue at 1:1. */
export function loadTopologyFile(path: string): ParseResult {
  if (!existsSync(path)) {
    return { issues: [{ file: path, line: 1, col: 1, path: '', message: `no such file`, hint: 'Create one with `clusterctl init`, or pass -f FILE.' }] };
  }
  return parseTopology(readFileSync(path, 'utf8'), path);
}

export function formatIssue(issue: TopologyIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.col}`;
  const field = issue.path ? `${issue.path}: ` : '';
  const message = issue.message.startsWith(`${issue.path}`) && issue.path ? issue.message : `${field}${issue.message}`;
  return `${where}  ${message}.${issue.hint ? ` ${issue.hint}` : ''}`.replace(/\.\./g, '.');
}
