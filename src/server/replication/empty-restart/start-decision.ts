// May a node that starts as a master serve as one? Redis's replication documentation warns of the
// case this answers: a master running with persistence off restarts (a supervisor brings it back
// before the sentinels notice), comes up empty, and its replicas resync from it and wipe their copy
// of the data (redis-server 7.0 does exactly that: the new run has a new replication ID, PSYNC fails,
// the full sync carries an empty dataset). Pure: what the node remembers of its last run and what it
// loaded in, a verdict out.

/** What a node remembers of its replication state (history-file.ts writes it on role changes and every second). */
export interface RememberedHistory {
  role: 'master' | 'replica';
  replid: string;
  offset: number;
  /** Keys the node held when this was written. */
  keys: number;
  /** ms since the epoch, when written. */
  at: number;
}

export interface StartObservation {
  /** null: no history file (a node's first start, or one whose directory was replaced). */
  remembered: RememberedHistory | null;
  /** Keys in the dataset loaded at start (RDB or AOF); 0 when nothing was loaded. */
  loadedKeys: number;
  /** The config makes it a replica (replicaof): its master decides its data, not this rule. */
  startsAsReplica: boolean;
  /** empty-restart-guard yes (the default). */
  guardEnabled: boolean;
}

export type StartVerdict = { serve: true; why: string } | { serve: false; why: string };

export function decideStart(observation: StartObservation): StartVerdict {
  const { remembered, loadedKeys } = observation;
  if (!observation.guardEnabled) return { serve: true, why: 'empty-restart-guard is off' };
  if (observation.startsAsReplica) return { serve: true, why: 'starts as a replica' };
  if (remembered === null) return { serve: true, why: 'no replication history remembered (first start)' };
  if (remembered.role !== 'master') return { serve: true, why: `it was a ${remembered.role} when last recorded` };
  if (loadedKeys > 0) return { serve: true, why: `it loaded ${loadedKeys} keys from its persistence` };
  if (remembered.keys === 0) return { serve: true, why: 'it held no keys when last recorded' };
  return {
    serve: false,
    why:
      `it restarted with an empty dataset after serving as master of ${remembered.keys} keys ` +
      `(replication ID ${remembered.replid}, offset ${remembered.offset}, recorded ${new Date(remembered.at).toISOString()})`,
  };
}
