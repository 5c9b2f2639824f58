// Reading what a cluster node says about the cluster: its CLUSTER NODES lines (id, address, flags,
// master, epoch, link, slots and the open-slot markers) and the slot-map signature redis-cli's
// create compares across nodes to decide they agree (sorted `id:ranges` of the slot owners).

import { formatSlotSpan, type SlotSpan } from '../../shared/slot-split.js';

export interface ClusterNodeLine {
  id: string;
  host: string;
  port: number;
  busPort: number;
  hostname: string | null;
  flags: string[];
  /** The master's id for a replica; null for a master. */
  masterId: string | null;
  configEpoch: number;
  connected: boolean;
  slots: SlotSpan[];
  /** `[slot->-id]` and `[slot-<-id]` on the myself line: slots mid-move. */
  migrating: { slot: number; to: string }[];
  importing: { slot: number; from: string }[];
}

/** Parses a CLUSTER NODES reply (one line per node, see cluster.c clusterGenNodeDescription). */
export function parseClusterNodes(text: string): ClusterNodeLine[] {
  return text.split('\n').map((line) => line.trim()).filter((line) => line !== '').map(parseLine);
}

function parseLine(line: string): ClusterNodeLine {
  const [id = '', address = '', flags = '', master = '-', , , epoch = '0', link = '', ...slotWords] = line.split(' ');
  // ip:port@cport[,hostname]
  const match = /^(.*):(\d+)@(\d+)(?:,(.*))?$/.exec(address);
  const node: ClusterNodeLine = {
    id,
    host: match?.[1] ?? '',
    port: Number(match?.[2] ?? 0),
    busPort: Number(match?.[3] ?? 0),
    hostname: match?.[4] || null,
    flags: flags.split(','),
    masterId: master === '-' ? null : master,
    configEpoch: Number(epoch),
    connected: link === 'connected',
    slots: [],
    migrating: [],
    importing: [],
  };
  for (const word of slotWords) {
    const open = /^\[(\d+)-([<>])-([0-9a-f]+)\]$/.exec(word);
    if (open) {
      if (open[2] === '>') node.migrating.push({ slot: Number(open[1]), to: open[3]! });
      else node.importing.push({ slot: Number(open[1]), from: open[3]! });
      continue;
    }
    const [start, end] = word.split('-').map(Number);
    node.slots.push({ start: start!, end: end ?? start! });
  }
  return node;
}

export function myself(lines: ClusterNodeLine[]): ClusterNodeLine | undefined {
  return lines.find((line) => line.flags.includes('myself'));
}

/** What redis-cli's clusterManagerGetConfigSignature builds: owners' `id:ranges`, sorted, joined. */
export function slotSignature(lines: ClusterNodeLine[]): string {
  return lines
    .filter((line) => line.slots.length > 0)
    .map((line) => `${line.id}:${line.slots.map(formatSlotSpan).join(',')}`)
    .sort()
    .join('|');
}

/** A node's CLUSTER INFO as fields (lines end in \r\n). */
export function parseClusterInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return fields;
}
