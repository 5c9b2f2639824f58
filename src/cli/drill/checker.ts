// The drill's verdict, pure: from every recorded write (its outcome) and what the cluster holds after
// it converged (the master's and each replica's value for every drill key, and what the lost-writes
// ledgers recorded), count acknowledged writes lost, unknown-outcome writes present or absent,
// refused writes that are there anyway, and replicas that disagree with the master.

import type { Outcome, WriteRecord } from './workload.js';

export interface Readback {
  /** The master's value for each drill key (null: absent). */
  master: Map<string, string | null>;
  replicas: { node: string; values: Map<string, string | null> }[];
}

export type Verdict = 'pass' | 'loss' | 'diverged';

export interface ReplicaCheck {
  node: string;
  /** Drill keys whose value differs from the master's (absent on one side, or another value). */
  differing: number;
  sample: string[];
}

export interface CheckResult {
  verdict: Verdict;
  writes: Record<Outcome, number> & { total: number };
  /** Acknowledged (+OK) writes the master does not hold after convergence. */
  acknowledgedLost: { count: number; keys: string[] };
  /** Of those, the ones a lost-writes ledger recorded (replayable). */
  recoveredByLedger: { count: number; keys: string[] };
  unknown: { present: number; absent: number };
  /** Writes refused with an error that are there anyway (a refusal must mean "not applied"). */
  failedButPresent: { count: number; keys: string[] };
  replicas: ReplicaCheck[];
}

const SAMPLE = 20;

/** `ledger`: key -> value of the SETs the lost-writes ledgers hold for drill keys. */
export function checkWrites(records: readonly WriteRecord[], readback: Readback, ledger: ReadonlyMap<string, string>): CheckResult {
  const writes = { total: records.length, ok: 0, failed: 0, unknown: 0 };
  const lost: string[] = [];
  const recovered: string[] = [];
  const failedPresent: string[] = [];
  const unknown = { present: 0, absent: 0 };
  for (const record of records) {
    writes[record.outcome] += 1;
    const present = readback.master.get(record.key) === record.value;
    if (record.outcome === 'ok' && !present) {
      lost.push(record.key);
      if (ledger.get(record.key) === record.value) recovered.push(record.key);
    } else if (record.outcome === 'unknown') {
      unknown[present ? 'present' : 'absent'] += 1;
    } else if (record.outcome === 'failed' && present) {
      failedPresent.push(record.key);
    }
  }
  const replicas = readback.replicas.map(({ node, values }) => {
    const differing = records.filter((record) => (values.get(record.key) ?? null) !== (readback.master.get(record.key) ?? null)).map((r) => r.key);
    return { node, differing: differing.length, sample: differing.slice(0, SAMPLE) };
  });
  const verdict: Verdict = lost.length > 0 ? 'loss' : replicas.some((r) => r.differing > 0) ? 'diverged' : 'pass';
  return {
    verdict,
    writes,
    acknowledgedLost: { count: lost.length, keys: lost },
    recoveredByLedger: { count: recovered.length, keys: recovered },
    unknown,
    failedButPresent: { count: failedPresent.length, keys: failedPresent },
    replicas,
  };
}
