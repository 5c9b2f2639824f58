// `clusterctl partition` / `heal`: network partitions without root or Docker. Builtin nodes and
// sentinels black-hole the named links inside their own process (their FAULT command: see README,
// "Partitions"); this module translates names to addresses and sends FAULT PARTITION / HEAL.
// Engine redis has no such command: only kill/stop/start/restart/pause/resume apply there.
//
// For other modules (the drill):
//   partitionNode(state, 'm1', { from: ['sentinels', 'replicas'], except: ['drill-g0-*'] })
//   healNodes(state)          // every node and sentinel
//   healNodes(state, 'm1')    // one process

import { CliError, EXIT } from '../../errors.js';
import { call, HOST } from '../../probe/client.js';
import type { ManagedRecord, RunState } from '../../state/run-state.js';
import { formatDuration } from '../../util/duration.js';
import { processState } from '../../cluster/live.js';
import { selectNode } from '../../cluster/select.js';

export type PartitionDirection = 'both' | 'in' | 'out';

/** Groups a --from list may name besides node and sentinel names, `client:<glob>` and host:port. */
export const PEER_GROUPS = ['sentinels', 'replicas', 'clients', 'master'] as const;

export interface PartitionOptions {
  /**
   * Who to cut the process off from: `sentinels`, `replicas`, `clients`, `master` (a replica's
   * link to its master), `client:<name-glob>`, a node or sentinel name of this cluster, or host:port.
   */
  from: string[];
  /** in: drop what it would read from them; out: hold what it would write; both (default). */
  direction?: PartitionDirection;
  /** Heal by itself after this long (ms); 0 or absent: until `heal`. */
  forMs?: number;
  /** Client connection names (globs) that stay connected whatever `from` says. */
  except?: string[];
}

export interface PartitionResult {
  cluster: string;
  /** The node or sentinel partitioned. */
  target: string;
  kind: 'node' | 'sentinel';
  port: number;
  /** Id of the partition in that process (FAULT STATUS lists it). */
  id: number;
  /** The peers as sent to the process (names translated to host:port). */
  peers: string[];
  direction: PartitionDirection;
  forMs: number;
  message: string;
}

export interface HealResult {
  cluster: string;
  /** Every process asked, with the number of partitions it healed. */
  healed: { name: string; port: number; partitions: number }[];
  /** Processes not running or not answering (nothing to heal there). */
  skipped: string[];
  message: string;
}

function refuseRedis(state: RunState, action: string): void {
  if (state.engine !== 'redis') return;
  throw new CliError(`${action} is not supported on engine redis: redis-server cannot black-hole its own links`, {
    exit: EXIT.USAGE,
    code: 'UNSUPPORTED_ENGINE',
    suggestion: 'On engine redis use kill, pause (and stop/start/restart/resume); partitions need engine builtin.',
  });
}

/** A node (name or selector such as `master`, `replica:2`) or a sentinel name. */
async function resolveTarget(state: RunState, name: string): Promise<{ record: ManagedRecord; kind: 'node' | 'sentinel' }> {
  const sentinel = state.sentinels.find((s) => s.name === name);
  if (sentinel) return { record: sentinel, kind: 'sentinel' };
  return { record: (await selectNode(state, name)).record, kind: 'node' };
}

/** --from words as FAULT peers: names become host:port. */
export function translatePeers(state: RunState, from: readonly string[]): string[] {
  return from.map((word) => {
    const lower = word.toLowerCase();
    if ((PEER_GROUPS as readonly string[]).includes(lower)) return lower;
    if (lower.startsWith('client:') || /^[^:\s]+:\d+$/.test(word)) return word;
    const record = [...state.nodes, ...state.sentinels].find((r) => r.name === word);
    if (record) return `${HOST}:${record.port}`;
    const names = [...state.nodes, ...state.sentinels].map((r) => r.name);
    throw new CliError(`--from ${word}: not a group, a node or a sentinel of cluster "${state.name}"`, {
      exit: EXIT.USAGE,
      code: 'NO_SUCH_PEER',
      suggestion: `Use ${PEER_GROUPS.join(', ')}, client:<name-glob>, host:port or one of: ${names.join(', ')}.`,
    });
  });
}

function fail(target: string, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  throw new CliError(`${target}: ${message}`, {
    exit: /ECONNREFUSED|timeout|ETIMEDOUT|closed/i.test(message) ? EXIT.NOT_RUNNING : EXIT.FAILED,
    suggestion: 'Is it running (`clusterctl status`)?',
  });
}

/** Cuts one node or sentinel off from `options.from`; returns once the process applied it. */
export async function partitionNode(state: RunState, target: string, options: PartitionOptions): Promise<PartitionResult> {
  refuseRedis(state, 'partition');
  if (options.from.length === 0) throw new CliError('--from names nobody', { exit: EXIT.USAGE, suggestion: 'e.g. --from sentinels,replicas' });
  const { record, kind } = await resolveTarget(state, target);
  const peers = translatePeers(state, options.from);
  const direction = options.direction ?? 'both';
  const forMs = options.forMs ?? 0;
  const args = ['FAULT', 'PARTITION', ...peers, direction.toUpperCase()];
  if (forMs > 0) args.push('FOR', String(forMs));
  for (const glob of options.except ?? []) args.push('EXCEPT', glob);
  let id: number;
  try {
    id = Number(await call(record.port, args, { timeoutMs: 2000 }));
  } catch (error) {
    fail(record.name, error);
  }
  const how = direction === 'both' ? 'both directions' : direction === 'in' ? 'incoming only' : 'outgoing only';
  const until = forMs > 0 ? `for ${formatDuration(forMs)}` : 'until healed';
  return {
    cluster: state.name,
    target: record.name,
    kind,
    port: record.port,
    id,
    peers,
    direction,
    forMs,
    message: `Partitioned ${record.name} from ${options.from.join(', ')} (${how}, ${until}).`,
  };
}

/** Heals every partition of one process, or of every running node and sentinel when `target` is absent. */
export async function healNodes(state: RunState, target?: string): Promise<HealResult> {
  refuseRedis(state, 'heal');
  const records = target ? [(await resolveTarget(state, target)).record] : [...state.nodes, ...state.sentinels];
  const healed: HealResult['healed'] = [];
  const skipped: string[] = [];
  await Promise.all(
    records.map(async (record) => {
      if (!target && processState(record) !== 'running') {
        skipped.push(record.name);
        return;
      }
      try {
        healed.push({ name: record.name, port: record.port, partitions: Number(await call(record.port, ['FAULT', 'HEAL'], { timeoutMs: 2000 })) });
      } catch (error) {
        if (target) fail(record.name, error);
        skipped.push(record.name);
      }
    }),
  );
  const order = (name: string) => records.findIndex((r) => r.name === name);
  healed.sort((a, b) => order(a.name) - order(b.name));
  skipped.sort((a, b) => order(a) - order(b));
  const total = healed.reduce((sum, h) => sum + h.partitions, 0);
  const where = healed.filter((h) => h.partitions > 0).map((h) => h.name);
  const message =
    total === 0
      ? `No partition to heal${target ? ` on ${healed[0]?.name ?? target}` : ''}.`
      : `Healed ${total} partition${total === 1 ? '' : 's'} (${where.join(', ')}).`;
  return { cluster: state.name, healed, skipped, message: skipped.length ? `${message} Skipped (not running): ${skipped.join(', ')}.` : message };
}
