// The nodes `add-shard` creates: the shard's number (the next one, never a reused one), their names
// (m<shard> for the master, r<k> for replicas, never a name or a folder the cluster has had), free
// client and bus ports (the bus at port + 10000, as Redis's CLUSTER_PORT_INCR, both checked free
// the way `up`'s preflight checks them), and their topology entries: the topology's engine and its
// directives as the first master has them, without the ones that name one node's own address.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isPortFree } from '../../proc/ports.js';
import { nodeRecord, takeShardNumber, type ClusterPaths, type NodeRecord, type RunState } from '../../state/run-state.js';
import { BUS_PORT_INCR } from '../../topology/ports.js';
import type { NodeSpec, ShardSpec } from '../../topology/types.js';

/** Directives that describe one node's own address: a new node must not copy another's. */
const PER_NODE_DIRECTIVES = new Set(['cluster-announce-hostname', 'cluster-announce-port', 'cluster-announce-bus-port', 'cluster-announce-tls-port', 'cluster-announce-human-nodename']);

const MIN_PORT = 1024;
const MAX_PORT = 65535;

export interface NewShard {
  shard: number;
  shardSpec: ShardSpec;
  specs: NodeSpec[];
  records: NodeRecord[];
}

/** Replicas per shard when --replicas is not given: as many as the topology's first shard has. */
export function defaultReplicas(state: RunState): number {
  return state.spec.cluster?.shards[0]?.replicas.length ?? 0;
}

/** Plans the new shard (spends its number in `state`; nothing is added to the state yet). */
export async function planNewShard(state: RunState, paths: ClusterPaths, replicas: number): Promise<NewShard> {
  const shard = takeShardNumber(state);
  const taken = (name: string) => state.nodes.some((node) => node.name === name) || state.spec.nodes.some((node) => node.name === name) || existsSync(join(paths.cluster, name));
  const names: string[] = [];
  const free = (name: string) => !taken(name) && !names.includes(name);
  let master = `m${shard}`;
  for (let k = 2; !free(master); k++) master = `m${shard}-${k}`;
  names.push(master);
  for (let k = 1; names.length < replicas + 1; k++) if (free(`r${k}`)) names.push(`r${k}`);
  const ports = await freePortPairs(state, names.length);
  const template = state.spec.nodes.find((node) => node.name === state.spec.cluster!.shards[0]?.master) ?? state.spec.nodes[0]!;
  const directives = template.directives.filter((line) => !PER_NODE_DIRECTIVES.has(line.name));
  const specs: NodeSpec[] = names.map((name, i) => ({
    name,
    port: ports[i]!.port,
    replicaof: i === 0 ? null : master,
    directives,
    cluster: { shard, busPort: ports[i]!.bus, engine: state.engine, announceIp: template.cluster?.announceIp ?? null, announceHostname: null },
  }));
  return {
    shard,
    shardSpec: { shard, master, replicas: names.slice(1), slots: [] },
    specs,
    records: specs.map((spec) => nodeRecord(paths, spec)),
  };
}

/**
 * `count` (client, bus) port pairs, both free now and used by nothing the cluster records: counting
 * up from the highest client port the cluster uses (its nodes stay side by side), then down below
 * the lowest when the top of the range is reached.
 */
async function freePortPairs(state: RunState, count: number): Promise<{ port: number; bus: number }[]> {
  const used = new Set<number>([...state.sentinels.map((s) => s.port), ...state.nodes.map((n) => n.port), ...state.spec.nodes.flatMap((n) => [n.port, n.cluster?.busPort ?? n.port + BUS_PORT_INCR])]);
  const clientPorts = state.nodes.map((node) => node.port);
  const top = Math.max(...clientPorts);
  const bottom = Math.min(...clientPorts);
  const pairs: { port: number; bus: number }[] = [];
  const candidates = function* () {
    for (let port = top + 1; port + BUS_PORT_INCR <= MAX_PORT; port++) yield port;
    for (let port = Math.min(bottom - 1, MAX_PORT - BUS_PORT_INCR); port >= MIN_PORT; port--) yield port;
  };
  for (const port of candidates()) {
    if (pairs.length === count) break;
    const bus = port + BUS_PORT_INCR;
    if (used.has(port) || used.has(bus)) continue;
    if (!(await isPortFree(port)) || !(await isPortFree(bus))) continue;
    used.add(port).add(bus);
    pairs.push({ port, bus });
  }
  if (pairs.length < count) throw new Error(`no ${count} free (port, port + ${BUS_PORT_INCR}) pairs between ${MIN_PORT} and ${MAX_PORT}`);
  return pairs;
}
