// Owns reading nodes.conf text back into a ClusterState (cluster.c 7.0 clusterLoadConfig): node
// lines in the CLUSTER NODES format (ip:port[@cport][,hostname], the flags, the master, ping / pong
// times that only say "pending" when non-zero, configEpoch — 0 for a replica, which shows its
// master's — and slot ranges plus the open-slot marks) and the `vars currentEpoch N lastVoteEpoch M`
// line. A node named before its own line (as a master or an open slot's peer) is created bare, as
// Redis does. Pure: text in, state out; anything Redis would call corrupted throws NodesConfError.

import { CLUSTER_SLOTS } from '../../../shared/key-slot.js';
import { NodeFlag } from '../bus/node-flags.js';
import { makeClusterNode, type ClusterNode } from '../state/cluster-node.js';
import { ClusterState } from '../state/cluster-state.js';
import { CLUSTER_PORT_INCR } from '../bus/header.js';


export class NodesConfError extends Error {}

/** Redis's message for every format error (clusterLoadConfig's fmterr). */
const CORRUPTED = 'Unrecoverable error: corrupted cluster config file.';

const FLAG_NAMES: Record<string, number> = {
  myself: NodeFlag.Myself,
  master: NodeFlag.Master,
  slave: NodeFlag.Slave,
  'fail?': NodeFlag.PFail,
  fail: NodeFlag.Fail,
  handshake: NodeFlag.Handshake,
  noaddr: NodeFlag.NoAddr,
  nofailover: NodeFlag.NoFailover,
  noflags: 0,
};

export interface LoadedNodesConf {
  state: ClusterState;
  /** Lines Redis would log and skip (unknown `vars` names). */
  warnings: string[];
}

/** verifyClusterNodeId: 40 chars of [a-z0-9]. */
export function isNodeId(id: string): boolean {
  return /^[a-z0-9]{40}$/.test(id);
}

/** atoi: leading digits (with a sign), 0 when none. */
function atoi(text: string): number {
  const n = Number.parseInt(text, 10);
  return Number.isNaN(n) ? 0 : n;
}

/** strtoull of an epoch: leading digits, 0 when none. */
function epoch(text: string): number {
  const match = /^\s*\+?(\d+)/.exec(text);
  return match ? Number(match[1]) : 0;
}

/** Parses nodes.conf; `now` stands in for mstime() where Redis stamps loaded times. */
export function parseNodesConf(text: string, now: number): LoadedNodesConf {
  const nodes = new Map<string, ClusterNode>();
  const slotOwners: [number, string][] = [];
  const open: { slot: number; migrating: boolean; peer: string }[] = [];
  const warnings: string[] = [];
  let myself: ClusterNode | undefined;
  let currentEpoch = 0;
  let lastVoteEpoch = 0;
  const nodeNamed = (id: string): ClusterNode => {
    let node = nodes.get(id);
    if (!node) nodes.set(id, (node = makeClusterNode({ id })));
    return node;
  };

  for (const line of text.split('\n')) {
    const argv = line.split(/[ \t\r]+/).filter((word) => word !== '');
    if (argv.length === 0) continue;
    if (argv[0]!.toLowerCase() === 'vars') {
      if (argv.length % 2 === 0) throw new NodesConfError(CORRUPTED);
      for (let j = 1; j < argv.length; j += 2) {
        const name = argv[j]!.toLowerCase();
        if (name === 'currentepoch') currentEpoch = epoch(argv[j + 1]!);
        else if (name === 'lastvoteepoch') lastVoteEpoch = epoch(argv[j + 1]!);
        else warnings.push(`Skipping unknown cluster config variable '${argv[j]}'`);
      }
      continue;
    }
    if (argv.length < 8 || !isNodeId(argv[0]!)) throw new NodesConfError(CORRUPTED);
    const node = nodeNamed(argv[0]!);

    let address = argv[1]!;
    const comma = address.indexOf(',');
    node.hostname = comma >= 0 ? address.slice(comma + 1) : '';
    if (comma >= 0) address = address.slice(0, comma);
    const colon = address.lastIndexOf(':');
    if (colon < 0) throw new NodesConfError(CORRUPTED);
    node.ip = address.slice(0, colon);
    const [port, busPort] = address.slice(colon + 1).split('@') as [string, string | undefined];
    node.port = atoi(port);
    node.cport = busPort !== undefined ? atoi(busPort) : node.port + CLUSTER_PORT_INCR;

    for (const name of argv[2]!.split(',')) {
      const bit = FLAG_NAMES[name.toLowerCase()];
      if (bit === undefined) throw new NodesConfError('Unknown flag in redis cluster config file');
      if (bit === NodeFlag.Myself) {
        if (myself) throw new NodesConfError(CORRUPTED);
        myself = node;
      }
      if (bit === NodeFlag.Fail) node.failTime = now;
      node.flags |= bit;
    }

    if (argv[3]![0] !== '-') {
      if (!isNodeId(argv[3]!)) throw new NodesConfError(CORRUPTED);
      nodeNamed(argv[3]!);
      node.masterId = argv[3]!;
    }
    if (atoi(argv[4]!) !== 0) node.pingSent = now;
    if (atoi(argv[5]!) !== 0) node.pongReceived = now;
    node.configEpoch = node.flags & NodeFlag.Slave && node.masterId !== null ? 0 : epoch(argv[6]!);

    for (const word of argv.slice(8)) {
      if (word.startsWith('[')) {
        // [slot->-id] or [slot-<-id]
        const match = /^\[(-?\d+)-([<>])-([^\]]*)\]/.exec(word);
        if (!match) throw new NodesConfError(CORRUPTED);
        const slot = Number(match[1]);
        if (slot < 0 || slot >= CLUSTER_SLOTS || !isNodeId(match[3]!)) throw new NodesConfError(CORRUPTED);
        nodeNamed(match[3]!);
        open.push({ slot, migrating: match[2] === '>', peer: match[3]! });
        continue;
      }
      const dash = word.indexOf('-');
      const start = atoi(dash >= 0 ? word.slice(0, dash) : word);
      const stop = dash >= 0 ? atoi(word.slice(dash + 1)) : start;
      if (start < 0 || start >= CLUSTER_SLOTS || stop < 0 || stop >= CLUSTER_SLOTS) throw new NodesConfError(CORRUPTED);
      for (let slot = start; slot <= stop; slot++) slotOwners.push([slot, node.id]);
    }
  }
  if (!myself) throw new NodesConfError(CORRUPTED);

  const state = new ClusterState(myself.id);
  state.nodes.clear();
  state.myself = myself;
  for (const node of nodes.values()) state.addNode(node);
  // clusterAddSlot refuses a slot that already has an owner: the first line to claim it keeps it.
  for (const [slot, owner] of slotOwners) if (state.slots.owner(slot) === null) state.slots.assign(slot, owner);
  for (const { slot, migrating, peer } of open) {
    if (migrating) state.slots.setMigrating(slot, peer);
    else state.slots.setImporting(slot, peer);
  }
  state.currentEpoch = currentEpoch;
  state.lastVoteEpoch = lastVoteEpoch;
  // Protection against hand edits: currentEpoch is never below an epoch a node claims.
  state.currentEpoch = Math.max(state.currentEpoch, state.maxEpoch());
  return { state, warnings };
}
