// The `sentinels:` section: how many, the quorum, which master they monitor and their timeouts.
// Validated and kept in the spec; the supervisor starts them (clusterctl-sentinel or redis-sentinel).

import { closest } from '../../shared/closest.js';
import type { Entry, Reader } from './reader.js';
import type { RawNode } from './nodes.js';
import { DEFAULT_MONITOR_NAME } from './types.js';

export interface RawSentinels {
  count: number;
  quorum: number;
  monitorName: string;
  master: string;
  downAfterMs: number;
  failoverTimeoutMs: number;
  entry: Entry;
}

const KEYS = ['count', 'quorum', 'monitor', 'down-after-milliseconds', 'failover-timeout'] as const;
const MONITOR_KEYS = ['name', 'master'] as const;
const MAX_MS = 2 ** 31 - 1;

export function readSentinels(reader: Reader, section: Entry, nodes: RawNode[]): RawSentinels | null {
  const fields = new Map(reader.known(reader.entries(section.value, section.path), KEYS, 'sentinels').map((e) => [e.key, e]));
  const countEntry = fields.get('count');
  const count = countEntry ? reader.integer(countEntry, 1, 64) : 3;
  const quorumEntry = fields.get('quorum');
  const quorum = quorumEntry ? reader.integer(quorumEntry, 1, 64) : count === undefined ? undefined : Math.floor(count / 2) + 1;
  if (count !== undefined && quorum !== undefined && quorum > count) {
    reader.report(
      quorumEntry?.value ?? section.keyNode,
      'sentinels.quorum',
      `quorum ${quorum} is larger than the sentinel count ${count}: no failover could ever be agreed`,
      `Use a quorum between 1 and ${count} (a majority, ${Math.floor(count / 2) + 1}, is usual).`,
    );
  }
  const masters = nodes.filter((node) => node.replicaof === null).map((node) => node.name);
  let monitorName = DEFAULT_MONITOR_NAME;
  let master: string | undefined = masters.length === 1 ? masters[0] : undefined;
  const monitor = fields.get('monitor');
  if (monitor) {
    for (const field of reader.known(reader.entries(monitor.value, monitor.path), MONITOR_KEYS, 'sentinels.monitor')) {
      const value = reader.string(field);
      if (value === undefined) continue;
      if (field.key === 'name') monitorName = value;
      else master = checkMaster(reader, field, value, nodes, masters);
    }
  }
  if (master === undefined && masters.length > 1 && !monitor?.value) {
    reader.report(section.keyNode, 'sentinels.monitor.master', `several masters (${masters.join(', ')}): say which one the sentinels monitor`, 'Add monitor: { master: <node> }.');
  }
  const downAfter = fields.get('down-after-milliseconds');
  const failoverTimeout = fields.get('failover-timeout');
  const downAfterMs = downAfter ? reader.integer(downAfter, 1, MAX_MS) : 1000;
  const failoverTimeoutMs = failoverTimeout ? reader.integer(failoverTimeout, 1, MAX_MS) : 10000;
  if ([count, quorum, master, downAfterMs, failoverTimeoutMs].includes(undefined)) return null;
  return { count: count!, quorum: quorum!, monitorName, master: master!, downAfterMs: downAfterMs!, failoverTimeoutMs: failoverTimeoutMs!, entry: section };
}

function checkMaster(reader: Reader, field: Entry, value: string, nodes: RawNode[], masters: string[]): string | undefined {
  const node = nodes.find((candidate) => candidate.name === value);
  if (!node) {
    const guess = closest(value, nodes.map((n) => n.name));
    reader.report(field.value, field.path, `no node named "${value}" (masters: ${masters.join(', ')})`, guess ? `Did you mean "${guess}"?` : undefined);
    return undefined;
  }
  if (node.replicaof !== null) {
    reader.report(field.value, field.path, `${value} is a replica (of ${node.replicaof}); sentinels monitor a master`, `Masters: ${masters.join(', ')}.`);
    return undefined;
  }
  return value;
}
