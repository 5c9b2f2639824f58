// CLUSTER NODES as tests read it: one record per line, fields as Redis writes them
// (id, ip:port@cport, flags, master id or '-', ping sent, pong received, config epoch, link, slots).

import type { Redis } from 'ioredis';

export interface NodeLine {
  id: string;
  addr: string;
  flags: string[];
  master: string;
  epoch: string;
  link: string;
  /** Slot ranges and open-slot markers ([slot->-id] / [slot-<-id]), as written. */
  slots: string[];
}

export function parseClusterNodes(text: string): NodeLine[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const f = line.split(' ');
      return { id: f[0]!, addr: f[1]!, flags: f[2]!.split(','), master: f[3]!, epoch: f[6]!, link: f[7]!, slots: f.slice(8) };
    });
}

export async function nodesOf(client: Redis): Promise<NodeLine[]> {
  return parseClusterNodes(String(await client.call('cluster', 'nodes')));
}
