// `reshard`: move N slots from one shard's master to another's (sharded/move-slot.ts, one slot at a
// time, keys with MIGRATE, clients following ASK meanwhile), and `reshard --fix`: close the slots an
// interrupted move left open (MIGRATING / IMPORTING). Ctrl-C during a reshard finishes the slot in
// flight and stops, so nothing is left open.

import { CliError, EXIT } from '../../errors.js';
import { acquireLock } from '../../state/lock.js';
import { writeState, type ClusterPaths, type RunState } from '../../state/run-state.js';
import { selectNode } from '../../cluster/select.js';
import type { ClusterAnalysis } from '../../sharded/analyze.js';
import type { ClusterProbe } from '../../sharded/cluster-probe.js';
import { assignSlot, migrateKeys, moveSlot, NodeClients, type SlotOwner } from '../../sharded/move-slot.js';
import { analyzeLive, waitClusterReady } from '../../sharded/ready.js';
import { sleep } from '../../util/sleep.js';

export interface ReshardOptions {
  slots: number;
  from: string;
  to: string;
  pipeline: number;
  timeoutMs: number;
  onProgress?: (done: number, total: number, keys: number) => void;
}

export interface ReshardResult {
  cluster: string;
  from: { shard: number | null; node: string };
  to: { shard: number | null; node: string };
  /** Slots moved, as ranges (`0-99`). */
  moved: string[];
  slotCount: number;
  keysMoved: number;
  /** False when Ctrl-C stopped it early (the slots moved so far stay moved, none is left open). */
  complete: boolean;
  settled: boolean;
  durationMs: number;
}

export async function reshard(state: RunState, paths: ClusterPaths, options: ReshardOptions): Promise<ReshardResult> {
  const begin = Date.now();
  const { analysis, probes } = await analyzeLive(state);
  refuseOpenSlots(analysis);
  const source = await resolveMaster(state, analysis, probes, options.from, '--from');
  const target = await resolveMaster(state, analysis, probes, options.to, '--to');
  if (source.owner.id === target.owner.id) throw new CliError('--from and --to are the same master', { exit: EXIT.USAGE, code: 'USAGE' });
  const owned = probes.find((probe) => probe.name === source.owner.name)!.self!.slots.flatMap((span) => Array.from({ length: span.end - span.start + 1 }, (_, i) => span.start + i));
  if (options.slots < 1 || options.slots > owned.length) {
    throw new CliError(`--slots ${options.slots}: ${source.owner.name} owns ${owned.length} slots`, { exit: EXIT.USAGE, code: 'USAGE' });
  }
  // redis-cli takes a source's slots from its lowest slot up (clusterManagerComputeReshardTable).
  const slots = owned.slice(0, options.slots);
  const others = masters(probes).filter((m) => m.id !== source.owner.id && m.id !== target.owner.id);
  const release = acquireLock(paths.lockFile, state.name);
  const clients = new NodeClients();
  let stop = false;
  const onSignal = () => (stop = true);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const done: number[] = [];
  let keys = 0;
  try {
    for (const slot of slots) {
      if (stop) break;
      keys += await moveSlot(clients, slot, source.owner, target.owner, others, { pipeline: options.pipeline, timeoutMs: Math.min(options.timeoutMs, 60_000) });
      done.push(slot);
      options.onProgress?.(done.length, slots.length, keys);
    }
    const settled = await waitClusterReady(state, begin + options.timeoutMs, () => {}).then(() => true, () => false);
    writeState(paths, state);
    return {
      cluster: state.name,
      from: { shard: source.shard, node: source.owner.name },
      to: { shard: target.shard, node: target.owner.name },
      moved: ranges(done),
      slotCount: done.length,
      keysMoved: keys,
      complete: done.length === slots.length,
      settled,
      durationMs: Date.now() - begin,
    };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    clients.close();
    release();
  }
}

export interface FixAction {
  slot: number;
  /**
   * finished: the importing node got the slot (and the keys left on the source); stable: both sides
   * closed, the owner keeps it; returned: the source was failed over mid-move, the importer's keys of
   * the slot went to the slot's owner now and the importer closed it.
   */
  action: 'finished' | 'stable' | 'returned';
  owner: string;
  keysMoved: number;
  why: string;
}

export interface FixResult {
  cluster: string;
  fixed: FixAction[];
  settled: boolean;
}

/**
 * An interrupted move: finish it when the importing node already holds keys of the slot or the
 * source has failed (the keys are on the importing side, or nowhere else); otherwise close both
 * sides (SETSLOT STABLE) and the owner keeps the slot. Never deletes a key (MIGRATE without
 * REPLACE; STABLE only clears the markers).
 */
export async function fixOpenSlots(state: RunState, paths: ClusterPaths, timeoutMs: number): Promise<FixResult> {
  const begin = Date.now();
  const { probes } = await analyzeLive(state);
  const live = probes.filter((probe) => probe.reachable && probe.self);
  const idOwner = new Map<string, SlotOwner>();
  for (const probe of live) idOwner.set(probe.self!.id, { name: probe.name, port: probe.port, id: probe.self!.id });
  const open = new Map<number, { migrating?: { node: SlotOwner; to: string }; importing?: { node: SlotOwner; from: string } }>();
  for (const probe of live) {
    const me = idOwner.get(probe.self!.id)!;
    for (const m of probe.self!.migrating) (open.get(m.slot) ?? open.set(m.slot, {}).get(m.slot)!).migrating = { node: me, to: m.to };
    for (const i of probe.self!.importing) (open.get(i.slot) ?? open.set(i.slot, {}).get(i.slot)!).importing = { node: me, from: i.from };
  }
  const release = acquireLock(paths.lockFile, state.name);
  const clients = new NodeClients();
  const fixed: FixAction[] = [];
  // The source was failed over mid-move: its successor owns the slot now (the failover handed it
  // the source's slots) and holds the keys written since. Handing the slot to the importer would
  // make the owner drop them (a node that loses a slot to a higher epoch deletes its keys there:
  // cluster.c clusterUpdateSlotsConfigWith, dirty slots). So, as redis-cli's fix does for an
  // importing-only slot with an owner (redis-cli.c clusterManagerFixOpenSlot), the importer's
  // keys go to the owner and the importer closes the slot.
  const successorOf = (slot: number, sides: { migrating?: unknown; importing?: { node: SlotOwner; from: string } }): SlotOwner | null => {
    const owner = live.find((p) => p.self!.masterId === null && p.self!.slots.some((span) => span.start <= slot && slot <= span.end));
    const importer = sides.importing?.node;
    if (!importer || sides.migrating || !owner || owner.self!.id === importer.id || owner.self!.id === sides.importing!.from) return null;
    return idOwner.get(owner.self!.id)!;
  };
  try {
    // First the importer names the owner of every such slot: it dropped the failed source's slots
    // and, importing, ignores the successor's claim, so it counts them unowned and is at
    // cluster_state:fail, refusing MIGRATE (cluster.c getNodeByQuery). Once it is ok again, an open
    // slot's MIGRATE runs locally.
    const handedBack = [...open].flatMap(([slot, sides]) => {
      const successor = successorOf(slot, sides);
      return successor ? [{ slot, importer: sides.importing!.node, successor }] : [];
    });
    for (const { slot, importer, successor } of handedBack) await clients.call(importer, 'CLUSTER', 'SETSLOT', slot, 'NODE', successor.id);
    for (const importer of new Map(handedBack.map((h) => [h.importer.id, h.importer])).values()) await clusterStateOk(clients, importer, begin + timeoutMs);
    for (const [slot, sides] of [...open].sort((a, b) => a[0] - b[0])) {
      const all = masters(probes);
      const importer = sides.importing?.node ?? null;
      const sourceId = sides.migrating?.node.id ?? sides.importing?.from ?? null;
      const source = sourceId ? (idOwner.get(sourceId) ?? null) : null;
      const sourceFailed = sourceId !== null && (source === null || live.some((p) => p.view.some((line) => line.id === sourceId && line.flags.includes('fail'))));
      const importerKeys = importer ? Number(await clients.call(importer, 'CLUSTER', 'COUNTKEYSINSLOT', slot)) : 0;
      const successor = successorOf(slot, sides);
      if (successor) {
        const moved = importerKeys > 0 ? await migrateKeys(clients, slot, importer!, successor, { pipeline: 10, timeoutMs: 60_000 }) : 0;
        await clients.call(importer!, 'CLUSTER', 'SETSLOT', slot, 'STABLE');
        fixed.push({ slot, action: 'returned', owner: successor.name, keysMoved: moved, why: `its source ${source?.name ?? sourceId?.slice(0, 8) ?? '?'} was failed over: ${successor.name} owns it now, ${importer!.name}'s keys of it went there` });
      } else if (importer && (importerKeys > 0 || sourceFailed)) {
        const moved = source && !sourceFailed && sides.migrating ? await migrateKeys(clients, slot, source, importer, { pipeline: 10, timeoutMs: 60_000 }) : 0;
        await assignSlot(clients, slot, importer, source && !sourceFailed ? source : null, all.filter((m) => m.id !== importer.id && m.id !== source?.id));
        const why = sourceFailed ? `its source ${source?.name ?? sourceId!.slice(0, 8)} has failed` : `${importer.name} already held ${importerKeys} of its keys`;
        fixed.push({ slot, action: 'finished', owner: importer.name, keysMoved: moved, why });
      } else {
        for (const side of [sides.importing?.node, sides.migrating?.node]) if (side) await clients.call(side, 'CLUSTER', 'SETSLOT', slot, 'STABLE');
        const owner = live.find((p) => p.self!.slots.some((span) => span.start <= slot && slot <= span.end))?.name ?? '?';
        fixed.push({ slot, action: 'stable', owner, keysMoved: 0, why: importer ? `${importer.name} held none of its keys` : 'no node was importing it' });
      }
    }
    const settled = fixed.length === 0 || (await waitClusterReady(state, begin + timeoutMs, () => {}).then(() => true, () => false));
    writeState(paths, state);
    return { cluster: state.name, fixed, settled };
  } finally {
    clients.close();
    release();
  }
}

/** Waits until `node` says cluster_state:ok (a master back from fail waits its rejoin delay first). */
async function clusterStateOk(clients: NodeClients, node: SlotOwner, deadline: number): Promise<void> {
  while (!/cluster_state:ok/.test(String(await clients.call(node, 'CLUSTER', 'INFO'))) && Date.now() < deadline) await sleep(100);
}

export function refuseOpenSlots(analysis: ClusterAnalysis): void {
  const open = analysis.problems.filter((problem) => /is open/.test(problem));
  if (open.length > 0) {
    throw new CliError(`the cluster has open slots (${open.length})`, { code: 'OPEN_SLOTS', details: open.slice(0, 5).map((p) => `  ${p}`), suggestion: 'Run `clusterctl reshard --fix` first.' });
  }
}

/** A shard number (its current master) or a node name / selector that is a master now. */
async function resolveMaster(state: RunState, analysis: ClusterAnalysis, probes: ClusterProbe[], value: string, flag: string): Promise<{ shard: number | null; owner: SlotOwner }> {
  let name: string | null;
  if (/^\d+$/.test(value)) {
    const shard = analysis.shards.find((s) => s.shard === Number(value));
    if (!shard) throw new CliError(`${flag} ${value}: no shard ${value} (shards: ${analysis.shards.map((s) => s.shard).join(', ')})`, { exit: EXIT.USAGE, code: 'NO_SUCH_SHARD' });
    name = shard.master;
  } else name = (await selectNode(state, value)).record.name;
  const probe = probes.find((p) => p.name === name);
  if (!probe?.self || probe.self.masterId !== null) {
    throw new CliError(`${flag} ${value}: ${name ?? 'its master'} is not a reachable master`, { exit: EXIT.USAGE, code: 'BAD_TARGET', suggestion: '`clusterctl status` shows the masters.' });
  }
  return { shard: analysis.nodes.find((n) => n.name === name)?.shard ?? null, owner: { name: probe.name, port: probe.port, id: probe.self.id } };
}

export function masters(probes: ClusterProbe[]): SlotOwner[] {
  return probes.filter((p) => p.reachable && p.self && p.self.masterId === null).map((p) => ({ name: p.name, port: p.port, id: p.self!.id }));
}

export function ranges(slots: number[]): string[] {
  const out: string[] = [];
  let start = -1;
  let prev = -2;
  for (const slot of [...slots].sort((a, b) => a - b)) {
    if (slot !== prev + 1) {
      if (start >= 0) out.push(start === prev ? `${start}` : `${start}-${prev}`);
      start = slot;
    }
    prev = slot;
  }
  if (start >= 0) out.push(start === prev ? `${start}` : `${start}-${prev}`);
  return out;
}
