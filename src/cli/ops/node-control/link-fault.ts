// `clusterctl fault`: slow links and dropped links on a builtin node (its FAULT SHAPE / DROP / HEAL,
// README "Slow and dropped links"). The node's replication links by default: the link to its
// master and the links to its replicas. Engine redis has no such command.
//
// For other modules (the drill):
//   shapeLinks(state, 'r1', { delayMs: 200 })               // r1's replication links, 200 ms each way
//   shapeLinks(state, 'r1', { bytesPerSec: 1 << 20, peers: ['master'], forMs: 10_000 })
//   dropLinks(state, 'r1', ['master'])                       // reset r1's link to its master now

import { CliError, EXIT } from '../../errors.js';
import { call } from '../../probe/client.js';
import type { RunState } from '../../state/run-state.js';
import { formatDuration } from '../../util/duration.js';
import { formatRate } from '../../util/rate.js';
import { selectNode } from '../../cluster/select.js';
import { translatePeers, type PartitionDirection } from './partition.js';

/** A node's replication links: upstream (its master) and downstream (its replicas). */
export const REPLICATION_LINKS = ['master', 'replicas'];

export interface ShapeOptions {
  delayMs?: number;
  bytesPerSec?: number;
  /** As `clusterctl partition --from`: groups, node names, client:<glob>, host:port (default: REPLICATION_LINKS). */
  peers?: string[];
  direction?: PartitionDirection;
  forMs?: number;
}

export interface LinkFaultResult {
  cluster: string;
  node: string;
  port: number;
  action: 'shape' | 'drop' | 'clear';
  /** The peers as sent to the node (names translated to host:port). */
  peers: string[];
  /** shape: the rule id (FAULT STATUS lists it). */
  id?: number;
  delayMs?: number;
  bytesPerSec?: number;
  direction?: PartitionDirection;
  forMs?: number;
  /** drop: links closed; clear: rules cleared (shapes and partitions). */
  count?: number;
  message: string;
}

async function target(state: RunState, selector: string): Promise<{ name: string; port: number }> {
  if (state.engine === 'redis') {
    throw new CliError('fault is not supported on engine redis: redis-server cannot slow down or reset its own links', {
      exit: EXIT.USAGE,
      code: 'UNSUPPORTED_ENGINE',
      suggestion: 'Slow links need engine builtin; on engine redis use kill, pause and restart.',
    });
  }
  const { record } = await selectNode(state, selector);
  return { name: record.name, port: record.port };
}

async function send(name: string, port: number, args: string[]): Promise<number> {
  try {
    return Number(await call(port, args, { timeoutMs: 2000 }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError(`${name}: ${message}`, {
      exit: /ECONNREFUSED|timeout|ETIMEDOUT|closed/i.test(message) ? EXIT.NOT_RUNNING : EXIT.FAILED,
      suggestion: 'Is it running (`clusterctl status`)?',
    });
  }
}

export async function shapeLinks(state: RunState, selector: string, options: ShapeOptions): Promise<LinkFaultResult> {
  const { delayMs = 0, bytesPerSec = 0, direction = 'both', forMs = 0 } = options;
  if (delayMs <= 0 && bytesPerSec <= 0) {
    throw new CliError('nothing to do: give --delay, --throttle, --drop or --clear', { exit: EXIT.USAGE, suggestion: 'e.g. clusterctl fault r1 --delay 200ms --throttle 1mb/s --for 10s' });
  }
  const node = await target(state, selector);
  const words = options.peers?.length ? options.peers : REPLICATION_LINKS;
  const peers = translatePeers(state, words);
  const args = ['FAULT', 'SHAPE', ...peers];
  if (delayMs > 0) args.push('DELAY', String(delayMs));
  if (bytesPerSec > 0) args.push('THROTTLE', String(bytesPerSec));
  args.push(direction.toUpperCase());
  if (forMs > 0) args.push('FOR', String(forMs));
  const id = await send(node.name, node.port, args);
  const what = [delayMs > 0 ? `+${delayMs} ms` : '', bytesPerSec > 0 ? `at most ${formatRate(bytesPerSec)}` : ''].filter(Boolean).join(', ');
  const how = direction === 'both' ? 'each way' : direction === 'in' ? 'what it reads' : 'what it writes';
  const until = forMs > 0 ? `for ${formatDuration(forMs)}` : 'until cleared';
  return {
    cluster: state.name,
    node: node.name,
    port: node.port,
    action: 'shape',
    peers,
    id,
    delayMs,
    bytesPerSec,
    direction,
    forMs,
    message: `Slowed ${node.name}'s links to ${words.join(', ')}: ${what}, ${how}, ${until}.`,
  };
}

export async function dropLinks(state: RunState, selector: string, words: string[] = REPLICATION_LINKS): Promise<LinkFaultResult> {
  const node = await target(state, selector);
  const peers = translatePeers(state, words);
  const count = await send(node.name, node.port, ['FAULT', 'DROP', ...peers]);
  return { cluster: state.name, node: node.name, port: node.port, action: 'drop', peers, count, message: `Dropped ${count} link${count === 1 ? '' : 's'} of ${node.name} to ${words.join(', ')}.` };
}

/** Clears every shape and partition of the node (FAULT HEAL), or those of the given peers. */
export async function clearLinks(state: RunState, selector: string, words: string[] = []): Promise<LinkFaultResult> {
  const node = await target(state, selector);
  const peers = translatePeers(state, words);
  const count = await send(node.name, node.port, ['FAULT', 'HEAL', ...peers]);
  return { cluster: state.name, node: node.name, port: node.port, action: 'clear', peers, count, message: count === 0 ? `No fault to clear on ${node.name}.` : `Cleared ${count} fault${count === 1 ? '' : 's'} on ${node.name}.` };
}
