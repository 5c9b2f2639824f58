// Forming a Redis Cluster from running nodes, the steps `redis-cli --cluster create` takes
// (redis-cli.c clusterManagerCommandCreate), done from here so no user needs redis-cli: slots for
// each shard's master (ADDSLOTSRANGE), a distinct config epoch per node while each still knows only
// itself (SET-CONFIG-EPOCH, so no two masters start on the same epoch), MEET to one anchor node,
// wait until everyone knows everyone (the gossip spreads the rest), then REPLICATE for replicas.
// Idempotent: a node that already has slots, peers or a master is left as it is, so a second `up`,
// a restart from nodes.conf or a half-formed cluster (an interrupted `up`) all converge.

import { CliError, EXIT } from '../errors.js';
import { call } from '../probe/client.js';
import type { NodeRecord, RunState } from '../state/run-state.js';
import { sleep } from '../util/sleep.js';
import { HASH_SLOTS, type SlotSpan } from '../../shared/slot-split.js';
import { isFresh, probeClusterNodes, type ClusterProbe } from './cluster-probe.js';

const POLL_MS = 50;

export interface FormReport {
  /** Nodes that knew only themselves when we began. */
  fresh: string[];
  /** Slot ranges assigned, by master. */
  assigned: { node: string; slots: SlotSpan[] }[];
  met: string[];
  replicated: { node: string; master: string }[];
}

export type FormProgress = (text: string) => void;

export async function formCluster(state: RunState, deadline: number, progress: FormProgress): Promise<FormReport> {
  const records = state.nodes;
  let probes = await reachableProbes(records);
  remember(records, probes);
  const fresh = probes.filter(isFresh).map((probe) => probe.name);
  const report: FormReport = { fresh, assigned: [], met: [], replicated: [] };
  if (fresh.length === 0 && everyoneKnowsEveryone(probes, records) && !needsReplicate(state, probes).length) return report;

  // 1. Slots nobody owns go to their shard's master (the topology's, or the one serving it now).
  progress('assigning slots');
  const owned = ownedSlots(probes);
  for (const shard of state.spec.cluster!.shards) {
    const spans = shard.slots.flatMap((span) => unownedParts(span, owned));
    if (spans.length === 0) continue;
    const master = currentMaster(state, probes, shard.shard) ?? record(records, shard.master);
    await addSlots(master, spans);
    report.assigned.push({ node: master.name, slots: spans });
  }

  // 2. Distinct config epochs, only possible while a node knows no other (cluster.c clusterCommand
  //    SET-CONFIG-EPOCH refuses otherwise); on a half-formed cluster the epoch collision handling
  //    (clusterHandleConfigEpochCollision) separates them instead.
  if (fresh.length === records.length) {
    progress('setting config epochs');
    await Promise.all(records.map((node, i) => call(node.port, ['CLUSTER', 'SET-CONFIG-EPOCH', String(i + 1)]).catch(rethrow(node, 'CLUSTER SET-CONFIG-EPOCH'))));
  }

  // 3. MEET: redis-cli meets every node to the first and lets gossip introduce the rest, which takes
  //    a few gossip rounds (each PING carries only some of the sender's peers: clusterSendPing).
  //    Meeting every pair that has not met yet (each node the ones before it) handshakes all links
  //    at once, in the next cluster cron tick.
  probes = await reachableProbes(records);
  const busPort = (node: NodeRecord) => state.spec.nodes.find((spec) => spec.name === node.name)!.cluster!.busPort;
  const knows = (probe: ClusterProbe, node: NodeRecord) => probe.view.some((line) => line.port === node.port && !line.flags.includes('handshake'));
  const meets: Promise<unknown>[] = [];
  records.forEach((node, i) => {
    const probe = probes.find((candidate) => candidate.name === node.name)!;
    const others = records.slice(0, i).filter((other) => !knows(probe, other) && !knows(probes.find((candidate) => candidate.name === other.name)!, node));
    if (others.length > 0) report.met.push(node.name);
    for (const other of others) meets.push(call(node.port, ['CLUSTER', 'MEET', '127.0.0.1', String(other.port), String(busPort(other))]).catch(rethrow(node, 'CLUSTER MEET')));
  });
  await Promise.all(meets);
  progress(`meeting (${records.length} nodes)`);
  // 4. Replicas: each node of a shard other than its master replicates that master, as soon as it
  //    knows that master (CLUSTER REPLICATE refuses an unknown node id) — while the rest still meet,
  //    so the replicas' full syncs overlap the gossip.
  const replicate = async (list: ClusterProbe[]) => {
    const ready = needsReplicate(state, list).filter(({ node, master }) => {
      const id = list.find((probe) => probe.name === master.name)!.self!.id;
      const view = list.find((probe) => probe.name === node.name)!.view;
      return view.some((line) => line.id === id && !line.flags.includes('handshake'));
    });
    await Promise.all(
      ready.map(async ({ node, master }) => {
        const id = list.find((probe) => probe.name === master.name)!.self!.id;
        await call(node.port, ['CLUSTER', 'REPLICATE', id]).catch(rethrow(node, 'CLUSTER REPLICATE'));
        report.replicated.push({ node: node.name, master: master.name });
        node.replicaof = master.name;
      }),
    );
    return ready.length;
  };
  await waitUntil(
    records,
    deadline,
    async (list) => (await replicate(list)) === 0 && everyoneKnowsEveryone(list, records) && needsReplicate(state, list).length === 0,
    (list) => joinProgress(list, records),
    progress,
    'the nodes did not all meet',
  );
  return report;
}

/** Replicas (by the records' shards) that are neither replicating nor the shard's master. */
function needsReplicate(state: RunState, probes: ClusterProbe[]): { node: NodeRecord; master: NodeRecord }[] {
  const out: { node: NodeRecord; master: NodeRecord }[] = [];
  for (const shard of state.spec.cluster!.shards) {
    const master = currentMaster(state, probes, shard.shard);
    if (!master) continue;
    for (const node of state.nodes.filter((candidate) => candidate.shard === shard.shard && candidate.name !== master.name)) {
      const self = probes.find((probe) => probe.name === node.name)?.self;
      // Only a node that is a master owning nothing: one already replicating (maybe moved by replica
      // migration, cluster-migration-barrier) is Redis's decision and stays.
      if (self && self.masterId === null && self.slots.length === 0) out.push({ node, master });
    }
  }
  return out;
}

/** The node of shard `shard` that owns slots now (after failovers: not necessarily the topology's master). */
function currentMaster(state: RunState, probes: ClusterProbe[], shard: number): NodeRecord | undefined {
  const members = state.nodes.filter((node) => node.shard === shard);
  const owner = members.find((node) => {
    const self = probes.find((probe) => probe.name === node.name)?.self;
    return self && self.masterId === null && self.slots.length > 0;
  });
  if (owner) return owner;
  // A shard that owns no slot (yet): `add-shard --no-rebalance`, or before its first slots arrive.
  // Its topology master leads it while that node is a master.
  const first = members.find((node) => node.name === state.spec.cluster!.shards.find((s) => s.shard === shard)?.master);
  const self = probes.find((probe) => probe.name === first?.name)?.self;
  return self && self.masterId === null ? first : undefined;
}

async function addSlots(node: NodeRecord, spans: SlotSpan[]): Promise<void> {
  const args = spans.flatMap((span) => [String(span.start), String(span.end)]);
  try {
    await call(node.port, ['CLUSTER', 'ADDSLOTSRANGE', ...args]);
  } catch (error) {
    if (!/unknown subcommand|unknown command/i.test((error as Error).message)) throw failure(node, 'CLUSTER ADDSLOTSRANGE', error);
    // A node without ADDSLOTSRANGE (before 7.0): the same slots one by one.
    const slots = spans.flatMap((span) => Array.from({ length: span.end - span.start + 1 }, (_, i) => String(span.start + i)));
    await call(node.port, ['CLUSTER', 'ADDSLOTS', ...slots]).catch(rethrow(node, 'CLUSTER ADDSLOTS'));
  }
}

function ownedSlots(probes: ClusterProbe[]): Uint8Array {
  const owned = new Uint8Array(HASH_SLOTS);
  for (const probe of probes) for (const line of probe.view) for (const span of line.slots) owned.fill(1, span.start, span.end + 1);
  return owned;
}

function unownedParts(span: SlotSpan, owned: Uint8Array): SlotSpan[] {
  const parts: SlotSpan[] = [];
  for (let slot = span.start; slot <= span.end; slot++) {
    if (owned[slot]) continue;
    const last = parts[parts.length - 1];
    if (last && last.end === slot - 1) last.end = slot;
    else parts.push({ start: slot, end: slot });
  }
  return parts;
}

/** Every node lists every other (by port), none of them still in handshake. */
function everyoneKnowsEveryone(probes: ClusterProbe[], records: NodeRecord[]): boolean {
  return probes.every((probe) => records.every((node) => probe.view.some((line) => line.port === node.port && !line.flags.includes('handshake') && !line.flags.includes('noaddr'))));
}

function joinProgress(probes: ClusterProbe[], records: NodeRecord[]): string {
  const complete = probes.filter((probe) => everyoneKnowsEveryone([probe], records)).length;
  return `meeting: ${complete}/${records.length} nodes know all ${records.length}`;
}

async function waitUntil(
  records: NodeRecord[],
  deadline: number,
  done: (probes: ClusterProbe[]) => boolean | Promise<boolean>,
  describe: (probes: ClusterProbe[]) => string,
  progress: FormProgress,
  failure: string,
): Promise<ClusterProbe[]> {
  for (;;) {
    const probes = await reachableProbes(records);
    if (await done(probes)) return probes;
    progress(describe(probes));
    if (Date.now() >= deadline) throw new CliError(`${failure} in time (${describe(probes)})`, { exit: EXIT.TIMEOUT, code: 'CLUSTER_NOT_FORMED', suggestion: 'Check that no firewall blocks the bus ports; `clusterctl logs NODE` shows a node\'s log.' });
    await sleep(POLL_MS);
  }
}

/** Probes every node; a node that does not answer (or is not in cluster mode) stops the forming. */
async function reachableProbes(records: NodeRecord[]): Promise<ClusterProbe[]> {
  const probes = await probeClusterNodes(records);
  for (const probe of probes) {
    if (probe.reachable) continue;
    const cause = probe.error ?? 'no reply';
    const notCluster = /cluster support disabled|unknown command/i.test(cause);
    throw new CliError(`${probe.name} (port ${probe.port}) ${notCluster ? 'is not running in cluster mode' : 'is not answering'}: ${cause}`, {
      code: 'CLUSTER_NODE_UNREACHABLE',
      data: { node: probe.name },
    });
  }
  return probes;
}

/** Keeps each node's cluster id in its record (status and selectors name nodes by it). */
function remember(records: NodeRecord[], probes: ClusterProbe[]): void {
  for (const probe of probes) if (probe.self) record(records, probe.name).clusterId = probe.self.id;
}

function record(records: NodeRecord[], name: string): NodeRecord {
  return records.find((node) => node.name === name)!;
}

function rethrow(node: NodeRecord, command: string): (error: unknown) => never {
  return (error) => {
    throw failure(node, command, error);
  };
}

function failure(node: NodeRecord, command: string, error: unknown): CliError {
  return new CliError(`${command} on ${node.name} (port ${node.port}) failed: ${(error as Error).message}`, { code: 'CLUSTER_FORM_FAILED', data: { node: node.name } });
}
