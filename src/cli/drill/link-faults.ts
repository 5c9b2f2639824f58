// The drill's replication-link faults (fault-list.ts): cut a replica from its master only, reset its
// link in the middle of a full sync, slow its replication links down, and `fill` the master with
// enough bytes to overwrite a small replication backlog. Through `clusterctl partition` / `fault`
// (ops/node-control/), i.e. the builtin node's FAULT PARTITION / DROP / SHAPE.

import { randomBytes } from 'node:crypto';
import { call, withClient } from '../probe/client.js';
import type { RunState } from '../state/run-state.js';
import { partitionNode } from '../ops/node-control/partition.js';
import { dropLinks, shapeLinks } from '../ops/node-control/link-fault.js';
import { sleep } from '../util/sleep.js';

/** What `delay` and `throttle` apply: a far-away replica on a thin link. */
export const DRILL_DELAY_MS = 200;
export const DRILL_THROTTLE = 1024 * 1024;
/** What `fill` writes: 4 MB in 64 KB values (each key expires after 10 minutes). */
export const FILL_BYTES = 4 * 1024 * 1024;
const FILL_VALUE = 64 * 1024;

function nodeOf(state: RunState, name: string) {
  const node = state.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`no node named ${name}`);
  return node;
}

/** Partitions the node from its master (both ways) and resets the link, so it must reconnect after the heal. */
export async function cutFromMaster(state: RunState, name: string): Promise<string> {
  await partitionNode(state, name, { from: ['master'] });
  const dropped = await dropLinks(state, name, ['master']);
  return `Cut ${name} from its master (link reset: ${dropped.count}; reconnects held until healed).`;
}

export async function slowLinks(state: RunState, name: string, what: 'delay' | 'throttle'): Promise<string> {
  const result = await shapeLinks(state, name, what === 'delay' ? { delayMs: DRILL_DELAY_MS } : { bytesPerSec: DRILL_THROTTLE });
  return result.message;
}

/** INFO replication as fields. */
async function replicationInfo(port: number): Promise<Map<string, string>> {
  const text = String(await call(port, ['INFO', 'replication'], { timeoutMs: 1000 }));
  return new Map(text.split(/\r?\n/).filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
}

/**
 * Waits (up to `timeoutMs`) for the node to be in a full sync, then resets its master link: the
 * payload is cut off half-way. Its link is throttled meanwhile so the transfer lasts long enough
 * to be caught; the throttle ends with the drop, so the next sync runs at full speed.
 */
export async function dropMidSync(state: RunState, name: string, timeoutMs = 20_000): Promise<{ message: string; struckAt?: number }> {
  const node = nodeOf(state, name);
  await shapeLinks(state, name, { bytesPerSec: DRILL_THROTTLE, peers: ['master'], direction: 'in' });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const info = await replicationInfo(node.port).catch(() => new Map<string, string>());
      if (info.get('master_sync_in_progress') === '1') {
        const read = info.get('master_sync_read_bytes') ?? '?';
        const total = Number(info.get('master_sync_total_bytes') ?? -1);
        const dropped = await dropLinks(state, name, ['master']);
        return { message: `Dropped ${name}'s link to its master mid full sync (${read}${total > 0 ? ` of ${total}` : ''} bytes of the snapshot read; ${dropped.count} link reset).`, struckAt: Date.now() };
      }
      if (Date.now() >= deadline) throw new Error(`${name} did not start a full sync within ${timeoutMs} ms (nothing dropped)`);
      await sleep(50);
    }
  } finally {
    await call(node.port, ['FAULT', 'HEAL', 'master'], { timeoutMs: 2000 }).catch(() => undefined);
  }
}

/** Writes FILL_BYTES to the node (the master) in one pipeline; returns when it answered. */
export async function fill(state: RunState, name: string): Promise<string> {
  const node = nodeOf(state, name);
  const tag = randomBytes(3).toString('hex');
  const value = 'f'.repeat(FILL_VALUE);
  const count = Math.ceil(FILL_BYTES / FILL_VALUE);
  await withClient(node.port, async (client) => {
    const pipeline = client.pipeline();
    for (let i = 0; i < count; i++) pipeline.set(`drill-fill:${tag}:${i}`, value, 'EX', 600);
    const results = await pipeline.exec();
    const error = results?.find(([e]) => e)?.[0];
    if (error) throw error;
  }, { timeoutMs: 10_000 });
  return `Wrote ${count} keys of ${FILL_VALUE / 1024} KB (${(count * FILL_VALUE) / (1024 * 1024)} MB) to ${name}.`;
}
