// The reference count Redis reports for a value (OBJECT REFCOUNT, DEBUG OBJECT): 1 for our values,
// except the shared integer objects 0..9999 (object.c createSharedObjects, OBJ_SHARED_INTEGERS),
// which answer OBJ_SHARED_REFCOUNT (INT_MAX). Redis stops sharing them when maxmemory evicts by
// LRU/LFU, since each key then needs its own access clock (tryObjectEncoding).

import type { Config } from '../config/config.js';
import { parseInt64 } from '../base/args.js';
import type { Value } from './values.js';

const SHARED_INTEGERS = 10000n;
const SHARED_REFCOUNT = 2147483647;

export function objectRefcount(value: Value, config: Config): number {
  if (typeof value !== 'string') return 1;
  const policy = config.str('maxmemory-policy');
  if (config.num('maxmemory') > 0 && (policy.includes('lru') || policy.includes('lfu'))) return 1;
  const n = parseInt64(value);
  return n !== null && n >= 0n && n < SHARED_INTEGERS ? SHARED_REFCOUNT : 1;
}
