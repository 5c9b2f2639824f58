// FAULT SHAPE, the grammar nodes and the CLI share: a slow link rather than a cut one.
//
//   FAULT SHAPE <peer> [<peer> ...] [DELAY <ms>] [THROTTLE <bytes-per-second>] [IN|OUT|BOTH] [FOR <ms>] [EXCEPT <name-glob>]...
//
// Peers and the other words as in FAULT PARTITION (spec.ts). IN shapes what this process reads
// from those peers, OUT what it writes to them; BOTH (default) each way, so DELAY 200 on both ends'
// default adds 200 ms each way. FAULT HEAL clears shapes as it heals partitions.

import { parsePartition, ruleMatches, type Endpoint, type PartitionRequest } from './spec.js';
import { combineShapes, type Shape } from './shape-schedule.js';

export interface ShapeRequest extends PartitionRequest, Shape {}

/** Parses the arguments after SHAPE; a string is the error reply text. */
export function parseShape(words: readonly string[]): ShapeRequest | string {
  const rest: string[] = [];
  const shape: Shape = { delayMs: 0, bytesPerSec: 0 };
  for (let i = 0; i < words.length; i++) {
    const upper = words[i]!.toUpperCase();
    if (upper !== 'DELAY' && upper !== 'THROTTLE') {
      rest.push(words[i]!);
      // FOR / EXCEPT take a value that could itself read DELAY or THROTTLE.
      if ((upper === 'FOR' || upper === 'EXCEPT') && i + 1 < words.length) rest.push(words[++i]!);
      continue;
    }
    const value = words[++i];
    if (value === undefined || !/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
      return `ERR ${upper} takes a number of ${upper === 'DELAY' ? 'milliseconds' : 'bytes per second'}`;
    }
    if (upper === 'DELAY') shape.delayMs = Number(value);
    else if (Number(value) === 0) return 'ERR THROTTLE takes a positive number of bytes per second';
    else shape.bytesPerSec = Number(value);
  }
  if (shape.delayMs === 0 && shape.bytesPerSec === 0) return 'ERR SHAPE needs DELAY <ms> and/or THROTTLE <bytes-per-second>';
  const request = parsePartition(rest);
  if (typeof request === 'string') return request.replace('PARTITION', 'SHAPE');
  return { ...request, ...shape };
}

/** How a shape reads in FAULT STATUS and logs: `delay=200ms throttle=1048576B/s`. */
export function describeShape(shape: Shape): string {
  return [shape.delayMs > 0 ? `delay=${shape.delayMs}ms` : '', shape.bytesPerSec > 0 ? `throttle=${shape.bytesPerSec}B/s` : ''].filter(Boolean).join(' ');
}

/** The shape each way of one link, given every active rule that matches it (null: not shaped). */
export function shapesFor(rules: Iterable<ShapeRequest>, endpoint: Endpoint): { in: Shape | null; out: Shape | null } {
  const inbound: Shape[] = [];
  const outbound: Shape[] = [];
  for (const rule of rules) {
    if (!ruleMatches(rule, endpoint)) continue;
    if (rule.direction !== 'out') inbound.push(rule);
    if (rule.direction !== 'in') outbound.push(rule);
  }
  return { in: combineShapes(inbound), out: combineShapes(outbound) };
}
