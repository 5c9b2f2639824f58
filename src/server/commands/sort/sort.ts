// SORT and SORT_RO (Redis 7.0 sort.c sortCommandGeneric) over lists, sets and sorted sets: numeric
// or ALPHA order, BY a pattern (a pattern without '*' means "don't sort"), GET patterns, LIMIT, and
// STORE into a list. A sorted set without BY is sorted by its members' values, not its scores.
// Sorting is glibc's stable qsort, or Redis's partial quicksort for BY with a LIMIT, so equal keys
// come out in Redis's order. SORT ... STORE propagates as itself, as in Redis.

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { ListValue } from '../../keyspace/list.js';
import { SortedSet } from '../../keyspace/sorted-set.js';
import type { Value } from '../../keyspace/values.js';
import { is, parseInt64, parseInteger } from '../../base/args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from '../../base/errors.js';
import { pqsort } from '../../base/pqsort.js';
import { readKey } from '../../base/read-key.js';
import { lookupByPattern } from './sort-pattern.js';
import { sortMayUsePatterns } from '../../acl/request-check.js';
import { compareBytes, compareCollated, sortScore } from './sort-values.js';
import { command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';
import { NOTIFY_LIST } from '../../keyspace/keyspace-events.js';
import { storeOrDelete } from '../../base/store-result.js';

const ERR_SCORES = new ErrorReply("ERR One or more scores can't be converted into double");

interface SortRequest {
  desc: boolean;
  alpha: boolean;
  limitStart: number;
  limitCount: number;
  storeKey: string | undefined;
  by: string | undefined;
  dontSort: boolean;
  gets: string[];
}

/** One element and what it sorts by: a number, or (ALPHA BY) the BY value, null when missing. */
interface Item {
  element: string;
  score: number;
  by: string | null;
}

// A user whose key patterns do not cover every key may not name keys through patterns (sort.c).
const ERR_BY_ACL = new ErrorReply('ERR BY option of SORT denied due to insufficient ACL permissions.');
const ERR_GET_ACL = new ErrorReply('ERR GET option of SORT denied due to insufficient ACL permissions.');

/** Parses the options in Redis's order; LIMIT's integer errors come first, as they are met. */
function parseSort(args: string[], readonly: boolean, mayUsePatterns: () => boolean): SortRequest | ErrorReply {
  const req: SortRequest = { desc: false, alpha: false, limitStart: 0, limitCount: -1, storeKey: undefined, by: undefined, dontSort: false, gets: [] };
  for (let j = 2; j < args.length; j++) {
    const word = args[j]!;
    const left = args.length - j - 1;
    if (is(word, 'ASC')) req.desc = false;
    else if (is(word, 'DESC')) req.desc = true;
    else if (is(word, 'ALPHA')) req.alpha = true;
    else if (is(word, 'LIMIT') && left >= 2) {
      const start = parseInteger(args[j + 1]!);
      const count = start === null ? null : parseInteger(args[j + 2]!);
      if (start === null || count === null) return ERR_NOT_INTEGER;
      [req.limitStart, req.limitCount] = [start, count];
      j += 2;
    } else if (!readonly && is(word, 'STORE') && left >= 1) req.storeKey = args[++j]!;
    else if (is(word, 'BY') && left >= 1) {
      req.by = args[++j]!;
      // A constant pattern (strchr finds no '*' before a NUL) turns sorting off for good.
      if (!req.by.split('\0')[0]!.includes('*')) req.dontSort = true;
      else if (!mayUsePatterns()) return ERR_BY_ACL;
    } else if (is(word, 'GET') && left >= 1) {
      if (!mayUsePatterns()) return ERR_GET_ACL;
      req.gets.push(args[++j]!);
    }
    else return ERR_SYNTAX;
  }
  return req;
}

/** A set's iteration order: ascending for what Redis keeps as an intset, else insertion order. */
function setMembers(ctx: CommandContext, set: Set<string>): string[] {
  const members = [...set];
  if (set.size > ctx.server.config.num('set-max-intset-entries')) return members;
  const numbers = members.map((m) => parseInt64(m));
  if (numbers.some((n) => n === null)) return members;
  return numbers.sort((a, b) => (a! < b! ? -1 : a! > b! ? 1 : 0)).map(String);
}

/** The LIMIT window as Redis clamps it: [start, end] inclusive, possibly empty. */
function window(req: SortRequest, length: number): [number, number] {
  let start = Math.min(Math.max(req.limitStart, 0), length);
  const count = Math.min(Math.max(req.limitCount, -1), length);
  let end = count < 0 ? length - 1 : start + count - 1;
  if (start >= length) {
    start = length - 1;
    end = length - 2;
  }
  if (end >= length) end = length - 1;
  return [start, end];
}

/** The unsorted elements of a list or sorted set kept in their own order (BY constant). */
function nativeRange(value: ListValue | SortedSet, desc: boolean, start: number, end: number): string[] {
  const out: string[] = [];
  const length = value instanceof ListValue ? value.length : value.size;
  for (let i = start; i <= end; i++) {
    const index = desc ? length - 1 - i : i;
    out.push(value instanceof ListValue ? value.at(index)! : value.nodeAtRank(index)!.member);
  }
  return out;
}

/** The elements to sort, and the window over them (Redis loads a native range directly). */
function load(ctx: CommandContext, value: Value | undefined, req: SortRequest): { elements: string[]; start: number; end: number } {
  if (value === undefined) return { elements: [], start: 0, end: -1 };
  if ((value instanceof ListValue || value instanceof SortedSet) && req.dontSort) {
    const [start, end] = window(req, value instanceof ListValue ? value.length : value.size);
    return { elements: nativeRange(value, req.desc, start, end), start: 0, end: end - start };
  }
  let elements: string[];
  if (value instanceof ListValue) elements = value.toArray();
  else if (value instanceof Set) elements = setMembers(ctx, value);
  else elements = [...(value as SortedSet)].map(([member]) => member);
  const [start, end] = window(req, elements.length);
  return { elements, start, end };
}

/** Fills in what each element sorts by; false when a number cannot be read (checked later). */
function score(ctx: CommandContext, items: Item[], req: SortRequest): boolean {
  let ok = true;
  for (const item of items) {
    const by = req.by === undefined ? item.element : lookupByPattern(ctx, req.by, item.element);
    // A missing BY value leaves the item at score 0 (or, with ALPHA, before everything).
    if (by === null) continue;
    if (req.alpha) {
      if (req.by !== undefined) item.by = by;
      continue;
    }
    const value = sortScore(by);
    if (value === null) ok = false;
    else item.score = value;
  }
  return ok;
}

/** Redis sortCompare for this request (before DESC flips it). */
function comparator(req: SortRequest): (a: Item, b: Item) => number {
  const store = req.storeKey !== undefined;
  const text = store ? compareBytes : compareCollated;
  let cmp: (a: Item, b: Item) => number;
  if (!req.alpha) {
    cmp = (a, b) => (a.score > b.score ? 1 : a.score < b.score ? -1 : compareBytes(a.element, b.element));
  } else if (req.by !== undefined) {
    cmp = (a, b) => {
      if (a.by === null || b.by === null) return a.by === b.by ? 0 : a.by === null ? -1 : 1;
      return text(a.by, b.by);
    };
  } else {
    cmp = (a, b) => text(a.element, b.element);
  }
  return req.desc ? (a, b) => -cmp(a, b) : cmp;
}

/** The output for one element: itself, or the value of each GET pattern. */
function outputs(ctx: CommandContext, req: SortRequest, element: string): (string | null)[] {
  if (req.gets.length === 0) return [element];
  return req.gets.map((pattern) => lookupByPattern(ctx, pattern, element));
}

/** Writes the result list at the STORE key, or deletes the key when the result is empty. */
function storeResult(ctx: CommandContext, key: string, values: (string | null)[]): number {
  // A missing GET value is stored as an empty string.
  const list = values.length === 0 ? null : new ListValue(values.map((v) => v ?? ''));
  storeOrDelete(ctx, key, list, NOTIFY_LIST, 'sortstore');
  return values.length;
}

function sortGeneric(readonly: boolean) {
  return (ctx: CommandContext, args: string[]): Reply => {
    let patternsAllowed: boolean | undefined;
    const mayUsePatterns = () => (patternsAllowed ??= sortMayUsePatterns(ctx.server, ctx.client, readonly ? 'sort_ro' : 'sort', args));
    const req = parseSort(args, readonly, mayUsePatterns);
    if (req instanceof ErrorReply) return req;
    const value = readKey(ctx, args[1]!);
    if (value !== undefined && !(value instanceof ListValue) && !(value instanceof Set) && !(value instanceof SortedSet)) return ERR_WRONGTYPE;
    // An unsorted set would store (or replicate) in hashtable order: Redis sorts it ALPHA instead.
    if (req.dontSort && value instanceof Set && req.storeKey !== undefined) {
      Object.assign(req, { dontSort: false, alpha: true, by: undefined });
    }
    const { elements, start, end } = load(ctx, value, req);
    const items: Item[] = elements.map((element) => ({ element, score: 0, by: null }));
    let ok = true;
    if (!req.dontSort) {
      ok = score(ctx, items, req);
      const cmp = comparator(req);
      if (req.by !== undefined && (start !== 0 || end !== items.length - 1)) pqsort(items, cmp, start, end);
      else items.sort(cmp);
    }
    if (!ok) return ERR_SCORES;
    const values: (string | null)[] = [];
    for (let j = start; j <= end; j++) values.push(...outputs(ctx, req, items[j]!.element));
    if (req.storeKey !== undefined) return storeResult(ctx, req.storeKey, values);
    return values;
  };
}

/** SORT reads BY and GET keys it cannot name in advance: movablekeys, key triple 1 1 1. */
export const sortCommands: CommandSpec[] = [
  command('sort', -2, ['write', 'denyoom', 'movablekeys'], sortGeneric(false), KEY1),
  command('sort_ro', -2, ['readonly', 'movablekeys'], sortGeneric(true), KEY1),
];
