// The named drills, each a fault list in the --faults grammar, fitted to the drill's duration: the
// fault comes after a stretch of normal traffic (up to 2 s), and enough time is left after the last
// step for clients to recover and write again before the workload stops.

import type { FaultAction } from './fault-list.js';

export interface Scenario {
  name: string;
  summary: string;
  /** Actions it needs (partition-master needs partition/heal). */
  needs: FaultAction[];
  /** The fault list for a workload of `durationMs`. */
  faults(durationMs: number): string;
}

const s = (ms: number) => `${Math.round(ms)}ms`;
/** When the first fault strikes: after 2 s of traffic, or 15% of a shorter drill. */
const faultAt = (d: number) => Math.min(2000, Math.max(500, d * 0.15));

export const SCENARIOS: Scenario[] = [
  {
    name: 'kill-master',
    summary: 'SIGKILL the master; start it again later so it rejoins as a replica (and records what it alone held)',
    needs: ['kill', 'start'],
    faults: (d) => `kill:master@${s(faultAt(d))},start:old-master@${s(Math.max(faultAt(d) + 3000, d * 0.4))}`,
  },
  {
    name: 'pause-master',
    summary: 'SIGSTOP the master for 8 s (less in a short drill), then SIGCONT: a stalled master must not keep acknowledging writes',
    needs: ['pause', 'resume'],
    faults: (d) => `pause:master@${s(faultAt(d))},resume:old-master@${s(faultAt(d) + Math.min(8000, d * 0.5))}`,
  },
  {
    name: 'partition-master',
    summary: 'cut the master (with one group of clients) off from the sentinels and replicas, then heal',
    needs: ['partition', 'heal'],
    faults: (d) => `partition:master@${s(faultAt(d))},heal:old-master@${s(faultAt(d) + Math.min(8000, d * 0.5))}`,
  },
  {
    name: 'kill-replica',
    summary: 'SIGKILL a replica; start it again later',
    needs: ['kill', 'start'],
    faults: (d) => `kill:replica@${s(faultAt(d))},start:old-replica@${s(Math.max(faultAt(d) + 3000, d * 0.4))}`,
  },
  {
    name: 'restart-all',
    summary: 'restart every node gracefully, one after another, replicas first',
    needs: ['restart'],
    faults: (d) => `restart:all@${s(faultAt(d))}`,
  },
  {
    name: 'flapping-master',
    summary: 'the master freezes and thaws again and again (1.5 s stalls), then stays frozen long enough to be replaced',
    needs: ['pause', 'resume'],
    faults: (d) => {
      const t = faultAt(d);
      return [
        `pause:master@${s(t)}`,
        `resume:old-master@${s(t + 1500)}`,
        `pause:master@${s(t + 3000)}`,
        `resume:old-master@${s(t + 4500)}`,
        `pause:master@${s(t + 6000)}`,
        `resume:old-master@${s(t + 6000 + Math.min(5000, Math.max(3500, d * 0.25)))}`,
      ].join(',');
    },
  },
  {
    name: 'crash-all',
    summary: 'SIGKILL every node and every sentinel at once (a machine or site losing power), then start them all again from their persistence (appendonly / appendfsync decide what survives)',
    needs: ['crash'],
    faults: (d) => `crash:all@${s(faultAt(d))}`,
  },
  {
    name: 'restart-master-empty',
    summary: 'SIGKILL the master and start it again at once with its data files set aside (persistence off): redis-server makes its replicas resync empty; clusterctl-node refuses to act as master until the sentinels fail it over',
    needs: ['restart-empty'],
    faults: (d) => `restart-empty:master@${s(faultAt(d))}`,
  },
  {
    name: 'replica-outage',
    summary: 'cut one replica from its master only while 4 MB more are written, then heal: it resumes with a partial resync when the repl-backlog-size holds what it missed, else a full one (backlog overwritten)',
    needs: ['cut', 'fill', 'heal'],
    faults: (d) => {
      const t = faultAt(d);
      return `cut:replica@${s(t)},fill:master@${s(t + 500)},heal:old-replica@${s(t + Math.max(3000, Math.min(6000, d * 0.4)))}`;
    },
  },
  {
    name: 'replica-sync-drop',
    summary: 'as replica-outage, then the replica\'s link is dropped in the middle of the full sync that follows (its link throttled to 1 MB/s so the transfer can be caught): the next attempt starts over with a full sync (no history)',
    needs: ['cut', 'fill', 'heal', 'drop-sync'],
    faults: (d) => {
      const t = faultAt(d);
      const heal = t + Math.max(2500, Math.min(4000, d * 0.3));
      return `cut:replica@${s(t)},fill:master@${s(t + 500)},heal:old-replica@${s(heal)},drop-sync:old-replica@${s(heal)}`;
    },
  },
  {
    name: 'slow-replica',
    summary: 'give one replica a far-away link (200 ms each way, 1 MB/s) while 4 MB are written: its lag grows and shrinks again, no resync',
    needs: ['delay', 'throttle', 'fill', 'heal'],
    faults: (d) => {
      const t = faultAt(d);
      return `delay:replica@${s(t)},throttle:old-replica@${s(t)},fill:master@${s(t + 500)},heal:old-replica@${s(t + Math.max(4000, Math.min(8000, d * 0.5)))}`;
    },
  },
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name);
}
