// A timeline of what the cluster's own nodes say while something happens to it (a failover):
// every POLL_MS each running node's CLUSTER NODES and CLUSTER INFO are read, and each change one of
// them reports about a node — flagged PFAIL or FAIL, promoted, now a replica of another, a new
// config epoch, its cluster_state — becomes an event; the same change reported by several nodes is
// one event listing who saw it (the first report's time counts).

import type { RunState } from '../state/run-state.js';
import { sleep } from '../util/sleep.js';
import type { ClusterProbe } from './cluster-probe.js';
import type { ClusterNodeLine } from './nodes-reply.js';
import { probeCluster } from './ready.js';

const POLL_MS = 25;

export interface ClusterEvent {
  /** Milliseconds since recording began, when the first node reported it. */
  atMs: number;
  /** +pfail, -pfail, +fail, -fail, +master, +replica, +config-epoch, +state. */
  event: string;
  /** The node it is about. */
  node: string;
  detail: string;
  /** The nodes that reported it, first reporter first. */
  seenBy: string[];
}

export interface ClusterEventRecorder {
  stop(): Promise<ClusterEvent[]>;
}

/** Facts one observer states about one subject; an event is a fact that changed. */
function facts(probe: ClusterProbe, nameOf: (line: ClusterNodeLine) => string, idName: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of probe.view) {
    const subject = nameOf(line);
    out.set(`${subject}|pfail`, String(line.flags.includes('fail?')));
    out.set(`${subject}|fail`, String(line.flags.includes('fail')));
    out.set(`${subject}|role`, line.masterId ? `replica of ${idName.get(line.masterId) ?? line.masterId.slice(0, 8)}` : 'master');
    out.set(`${subject}|epoch`, String(line.configEpoch));
  }
  if (probe.info.cluster_state) out.set(`${probe.name}|state`, probe.info.cluster_state);
  return out;
}

/** `pollMs`: how often the nodes are asked (a drill asks less often, so as not to load the nodes it measures). */
export function recordClusterEvents(state: RunState, begin: number, pollMs = POLL_MS): ClusterEventRecorder {
  const byPort = new Map(state.nodes.map((record) => [record.port, record.name]));
  const nameOf = (line: ClusterNodeLine) => byPort.get(line.port) ?? `${line.host}:${line.port}`;
  const last = new Map<string, Map<string, string>>();
  const events: ClusterEvent[] = [];
  let running = true;
  const observe = async () => {
    const probes = await probeCluster(state, 300);
    const idName = new Map<string, string>();
    for (const probe of probes) for (const line of probe.view) idName.set(line.id, nameOf(line));
    const at = Date.now() - begin;
    for (const probe of probes) {
      if (!probe.reachable) continue;
      const now = facts(probe, nameOf, idName);
      const before = last.get(probe.name);
      last.set(probe.name, now);
      if (!before) continue;
      for (const [key, value] of now) {
        if (before.get(key) === value) continue;
        const [subject, kind] = key.split('|') as [string, string];
        const event = describe(kind, value);
        if (!event) continue;
        const same = events.find((e) => e.node === subject && e.event === event.event && e.detail === event.detail);
        if (same) {
          if (!same.seenBy.includes(probe.name)) same.seenBy.push(probe.name);
        } else events.push({ atMs: at, node: subject, ...event, seenBy: [probe.name] });
      }
    }
  };
  const loop = (async () => {
    while (running) {
      await observe();
      await sleep(pollMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return events.sort((a, b) => a.atMs - b.atMs);
    },
  };
}

function describe(kind: string, value: string): { event: string; detail: string } | null {
  switch (kind) {
    case 'pfail':
      return { event: value === 'true' ? '+pfail' : '-pfail', detail: '' };
    case 'fail':
      return { event: value === 'true' ? '+fail' : '-fail', detail: '' };
    case 'role':
      return value === 'master' ? { event: '+master', detail: '' } : { event: '+replica', detail: value.replace('replica of ', 'of ') };
    case 'epoch':
      return { event: '+config-epoch', detail: value };
    case 'state':
      return { event: '+state', detail: `cluster_state:${value}` };
    default:
      return null;
  }
}
