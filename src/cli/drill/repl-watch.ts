// Watches replication during a drill: every 250 ms, every node's INFO replication (lag and backlog
// fill, repl-series.ts); at the end, every node's INFO resyncs (each PSYNC it answered). Engine
// redis has no INFO resyncs: its list stays empty, the lag series is there.

import { call } from '../probe/client.js';
import type { RunState } from '../state/run-state.js';
import { sleep } from '../util/sleep.js';
import { nodeSample, parseInfoFields, parseResyncs, replPoint, type NodeSample, type ReplPoint, type Resync } from './repl-series.js';

export const SAMPLE_MS = 250;

export interface ReplWatch {
  /** Stops sampling; the series so far. */
  stop(): Promise<ReplPoint[]>;
}

export function watchReplication(state: RunState, begin: number): ReplWatch {
  const points: ReplPoint[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const round = Date.now();
      const samples = await Promise.all(
        state.nodes.map(async (node): Promise<NodeSample | null> => {
          try {
            return nodeSample(node.name, parseInfoFields(String(await call(node.port, ['INFO', 'replication'], { timeoutMs: 1000 }))));
          } catch {
            return null;
          }
        }),
      );
      const answered = samples.filter((s): s is NodeSample => s !== null);
      const masters = answered.filter((s) => s.role === 'master').map((s) => s.node);
      points.push(replPoint(round - begin, answered, state.nodes.map((n) => n.name).filter((n) => !masters.includes(n))));
      await sleep(Math.max(0, SAMPLE_MS - (Date.now() - round)));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return points;
    },
  };
}

/** Every PSYNC answered since `begin` (wall-clock ms), from every node that answers, oldest first. */
export async function collectResyncs(state: RunState, begin: number): Promise<Resync[]> {
  const byAddress = (address: string) => {
    const port = Number(address.slice(address.lastIndexOf(':') + 1));
    return state.nodes.find((n) => n.port === port)?.name ?? address;
  };
  const lists = await Promise.all(
    state.nodes.map(async (node) => {
      try {
        return parseResyncs(String(await call(node.port, ['INFO', 'resyncs'], { timeoutMs: 2000 })), node.name, begin, byAddress);
      } catch {
        return [];
      }
    }),
  );
  return lists.flat().sort((a, b) => a.atMs - b.atMs);
}
