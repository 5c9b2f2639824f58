// The replication side of a drill, pure: samples of every node's INFO replication turned into the
// report's series (each replica's lag behind the master, in bytes, and how full the master's
// backlog is), and the nodes' INFO resyncs entries turned into one list of reconnects, each named
// by the replica and the node that answered it: partial (bytes the backlog served) or full and why.

/** One node's INFO replication fields that matter here, at one moment. */
export interface NodeSample {
  node: string;
  role: 'master' | 'slave' | '?';
  /** master_repl_offset. */
  offset: number;
  /** slave_repl_offset (replicas). */
  replicaOffset: number | null;
  linkUp: boolean | null;
  syncing: boolean;
  backlogHistlen: number;
  backlogSize: number;
}

export interface ReplPoint {
  /** ms since the drill began. */
  atMs: number;
  /** The master at that moment (the one node answering role:master; null when none or several). */
  master: string | null;
  masterOffset: number | null;
  /** repl_backlog_histlen / repl_backlog_size of the master, 0..1. */
  backlogFill: number | null;
  backlogHistlen: number | null;
  backlogSize: number | null;
  /** Bytes each replica is behind the master (null: unknown, e.g. no answer or no master). */
  lag: Record<string, number | null>;
  /** Replicas in a full sync at that moment. */
  syncing: string[];
}

export function parseInfoFields(text: string): Map<string, string> {
  return new Map(
    text
      .split(/\r?\n/)
      .filter((line) => line.includes(':') && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]),
  );
}

export function nodeSample(node: string, fields: ReadonlyMap<string, string>): NodeSample {
  const num = (key: string) => (fields.has(key) ? Number(fields.get(key)) : NaN);
  const role = fields.get('role');
  return {
    node,
    role: role === 'master' || role === 'slave' ? role : '?',
    offset: num('master_repl_offset') || 0,
    replicaOffset: fields.has('slave_repl_offset') ? num('slave_repl_offset') : null,
    linkUp: fields.has('master_link_status') ? fields.get('master_link_status') === 'up' : null,
    syncing: fields.get('master_sync_in_progress') === '1',
    backlogHistlen: num('repl_backlog_histlen') || 0,
    backlogSize: num('repl_backlog_size') || 0,
  };
}

/** One point of the series from the samples of one round (nodes that did not answer are absent). */
export function replPoint(atMs: number, samples: readonly NodeSample[], replicas: readonly string[]): ReplPoint {
  const masters = samples.filter((s) => s.role === 'master');
  const master = masters.length === 1 ? masters[0]! : null;
  const lag: Record<string, number | null> = {};
  for (const name of replicas) {
    const sample = samples.find((s) => s.node === name);
    lag[name] = master && sample && sample.role === 'slave' && sample.replicaOffset !== null ? Math.max(0, master.offset - sample.replicaOffset) : null;
  }
  return {
    atMs,
    master: master?.node ?? null,
    masterOffset: master?.offset ?? null,
    backlogFill: master && master.backlogSize > 0 ? Math.min(1, master.backlogHistlen / master.backlogSize) : null,
    backlogHistlen: master?.backlogHistlen ?? null,
    backlogSize: master?.backlogSize ?? null,
    lag,
    syncing: samples.filter((s) => s.syncing).map((s) => s.node),
  };
}

/** One reconnect of a replica, as the node that answered its PSYNC recorded it (server replication/resync-log.ts). */
export interface Resync {
  /** ms since the drill began. */
  atMs: number;
  replica: string;
  /** The node that answered (its master then). */
  master: string;
  kind: 'partial' | 'full';
  /** partial: bytes the backlog served. */
  bytes: number;
  /** full: no-history, history-changed, backlog-overwritten, offset-ahead, no-backlog, sync. */
  cause: string | null;
  /** What the replica offered: `<replid>:<offset>` (`?:-1`: no history). */
  requested: string;
  /** The answering node's repl-backlog-size then. */
  backlogSize: number;
}

/** What each full-resync cause means, for the summary and the report. */
export const CAUSE_TEXT: Record<string, string> = {
  'no-history': 'the replica offered no history (it started empty, or its last full sync never finished)',
  'history-changed': 'the history changed (another replication ID, or the old one past where it was left)',
  'backlog-overwritten': 'the backlog was overwritten (the bytes it missed are no longer there)',
  'offset-ahead': 'the replica claimed bytes its master never had',
  'no-backlog': 'its master kept no backlog',
  sync: 'the old SYNC command',
};

/**
 * The `resync_<seq>:` lines of one node's INFO resyncs, from `sinceWallMs` on, with `replicaName`
 * naming the replica by its announced ip:port. `beginWallMs` turns times into drill times.
 */
export function parseResyncs(text: string, master: string, beginWallMs: number, replicaName: (address: string) => string): Resync[] {
  const out: Resync[] = [];
  for (const [key, value] of parseInfoFields(text)) {
    if (!/^resync_\d+$/.test(key)) continue;
    const f = new Map(value.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    const at = Number(f.get('at_ms'));
    if (!(at >= beginWallMs)) continue;
    out.push({
      atMs: at - beginWallMs,
      replica: replicaName(f.get('replica') ?? '?'),
      master,
      kind: f.get('kind') === 'partial' ? 'partial' : 'full',
      bytes: Number(f.get('bytes')) || 0,
      cause: f.get('cause') || null,
      requested: f.get('requested') ?? '',
      backlogSize: Number(f.get('backlog_size')) || 0,
    });
  }
  return out;
}

/** Counts for the summary: partial / full, and full by cause. */
export function resyncCounts(resyncs: readonly Resync[]): { partial: number; full: number; partialBytes: number; causes: Record<string, number> } {
  const causes: Record<string, number> = {};
  let partial = 0;
  let partialBytes = 0;
  for (const r of resyncs) {
    if (r.kind === 'partial') {
      partial++;
      partialBytes += r.bytes;
    } else {
      causes[r.cause ?? '?'] = (causes[r.cause ?? '?'] ?? 0) + 1;
    }
  }
  return { partial, full: resyncs.length - partial, partialBytes, causes };
}
