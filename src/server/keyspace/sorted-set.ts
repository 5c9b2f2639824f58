// A sorted set value, as Redis's zset (t_zset.c): a member -> score map plus a skiplist ordered by
// (score, member bytes) whose links carry spans, so insert, delete, rank and "element at rank" are
// all O(log n). Members are latin1 strings, so JS string order is Redis's memcmp byte order.
//
// API (other modules, e.g. RDB persistence, rely on it):
//   size                         number of members
//   add(member, score)           inserts or re-scores; returns true when the member is new
//   score(member) / has(member)  the member's score (undefined when absent)
//   remove(member)               returns whether it was there
//   rank(member)                 0-based position in ascending order, undefined when absent
//   [Symbol.iterator]()          [member, score] pairs in ascending order (entries() is the same)
//   first() / last()            lowest and highest node; node.next / node.prev walk the order
//   nodeAtRank(r)                node at 0-based rank r
//   firstInScoreRange / lastInScoreRange / firstInLexRange / lastInLexRange: range boundaries
//   clone()                      deep copy (snapshots copy-on-write)
// `scores` is the member -> score map; writes through it (set/delete/clear) keep the order in sync.

import {
  isEmptyLexRange,
  isEmptyScoreRange,
  lexGteMin,
  lexLteMax,
  scoreGteMin,
  scoreLteMax,
  type LexRange,
  type ScoreRange,
} from './sorted-set-ranges.js';

import { ScoreMap } from './sorted-set-scores.js';

export * from './sorted-set-ranges.js';

const MAX_LEVEL = 32;
/** Redis ZSKIPLIST_P: each level holds about a quarter of the nodes of the level below. */
const LEVEL_P = 0.25;

/** A node of the order; walk with next/prev (null at the ends). */
export interface ZNode {
  readonly member: string;
  readonly score: number;
  readonly next: ZNode | null;
  readonly prev: ZNode | null;
}

class SkipNode implements ZNode {
  readonly forward: (SkipNode | null)[];
  readonly span: number[];
  backward: SkipNode | null = null;

  constructor(
    readonly member: string,
    public score: number,
    level: number,
  ) {
    this.forward = new Array<SkipNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }

  get next(): SkipNode | null {
    return this.forward[0]!;
  }

  get prev(): SkipNode | null {
    return this.backward;
  }
}

/** Orders (score, member) pairs: score first, then member bytes. */
function before(node: SkipNode, score: number, member: string): boolean {
  return node.score < score || (node.score === score && node.member < member);
}

/** Scratch paths for insert/delete, shared: the event loop never runs two of them at once. */
const UPDATE = new Array<SkipNode>(MAX_LEVEL);
const RANK = new Array<number>(MAX_LEVEL).fill(0);

export class SortedSet {
  readonly scores: Map<string, number>;
  private readonly dict: ScoreMap;
  private readonly header = new SkipNode('', 0, MAX_LEVEL);
  private tail: SkipNode | null = null;
  private level = 1;
  private count = 0;

  constructor(entries: Iterable<[string, number]> = []) {
    this.dict = new ScoreMap();
    this.dict.owner = this;
    this.scores = this.dict;
    for (const [member, score] of entries) this.add(member, score);
  }

  get size(): number {
    return this.count;
  }

  score(member: string): number | undefined {
    return this.dict.get(member);
  }

  has(member: string): boolean {
    return this.dict.has(member);
  }

  /**
   * Inserts a member or changes its score; returns true when it is new. NaN is refused (callers
   * answer "resulting score is not a number"). -0 is stored as 0: Redis's listpack encoding, which
   * holds every small zset, keeps scores as text and reads "-0" back as 0.
   */
  add(member: string, score: number): boolean {
    if (Number.isNaN(score)) throw new RangeError('sorted set score cannot be NaN');
    if (score === 0) score = 0;
    const current = this.dict.get(member);
    if (current === undefined) {
      this.insertNode(member, score);
      this.dict.rawSet(member, score);
      return true;
    }
    if (current !== score) {
      this.deleteNode(current, member);
      this.insertNode(member, score);
      this.dict.rawSet(member, score);
    }
    return false;
  }

  remove(member: string): boolean {
    const current = this.dict.get(member);
    if (current === undefined) return false;
    this.deleteNode(current, member);
    this.dict.rawDelete(member);
    return true;
  }

  clear(): void {
    this.header.forward.fill(null);
    this.header.span.fill(0);
    this.tail = null;
    this.level = 1;
    this.count = 0;
    this.dict.rawClear();
  }

  /** 0-based ascending rank, or undefined when the member is absent (Redis zslGetRank - 1). */
  rank(member: string): number | undefined {
    const score = this.dict.get(member);
    if (score === undefined) return undefined;
    let rank = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next && (before(next, score, member) || next.member === member)) {
        rank += x.span[i]!;
        x = next;
        next = x.forward[i];
      }
      if (x.member === member && x !== this.header) return rank - 1;
    }
    return undefined;
  }

  /** Node at 0-based rank (Redis zslGetElementByRank), undefined when out of range. */
  nodeAtRank(rank: number): ZNode | undefined {
    if (rank < 0 || rank >= this.count) return undefined;
    const target = rank + 1;
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.forward[i] && traversed + x.span[i]! <= target) {
        traversed += x.span[i]!;
        x = x.forward[i]!;
      }
      if (traversed === target) return x;
    }
    return undefined;
  }

  first(): ZNode | null {
    return this.header.forward[0]!;
  }

  last(): ZNode | null {
    return this.tail;
  }

  /** First node whose score is inside the range (Redis zslNthInRange with n = 0). */
  firstInScoreRange(range: ScoreRange): ZNode | null {
    if (isEmptyScoreRange(range) || !this.tail || !scoreGteMin(this.tail.score, range)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.forward[i] && !scoreGteMin(x.forward[i]!.score, range)) x = x.forward[i]!;
    }
    const found = x.forward[0]!;
    return found && scoreLteMax(found.score, range) ? found : null;
  }

  /** Last node whose score is inside the range. */
  lastInScoreRange(range: ScoreRange): ZNode | null {
    const head = this.header.forward[0];
    if (isEmptyScoreRange(range) || !head || !scoreLteMax(head.score, range)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.forward[i] && scoreLteMax(x.forward[i]!.score, range)) x = x.forward[i]!;
    }
    return x !== this.header && scoreGteMin(x.score, range) ? x : null;
  }

  /** First node whose member is inside the lex range (meaningful when all scores are equal). */
  firstInLexRange(range: LexRange): ZNode | null {
    if (isEmptyLexRange(range) || !this.tail || !lexGteMin(this.tail.member, range)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.forward[i] && !lexGteMin(x.forward[i]!.member, range)) x = x.forward[i]!;
    }
    const found = x.forward[0]!;
    return found && lexLteMax(found.member, range) ? found : null;
  }

  lastInLexRange(range: LexRange): ZNode | null {
    const head = this.header.forward[0];
    if (isEmptyLexRange(range) || !head || !lexLteMax(head.member, range)) return null;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.forward[i] && lexLteMax(x.forward[i]!.member, range)) x = x.forward[i]!;
    }
    return x !== this.header && lexGteMin(x.member, range) ? x : null;
  }

  *[Symbol.iterator](): IterableIterator<[string, number]> {
    for (let x = this.header.forward[0]!; x; x = x.forward[0]!) yield [x.member, x.score];
  }

  entries(): IterableIterator<[string, number]> {
    return this[Symbol.iterator]();
  }

  clone(): SortedSet {
    return new SortedSet(this);
  }

  private randomLevel(): number {
    let level = 1;
    while (level < MAX_LEVEL && Math.random() < LEVEL_P) level++;
    return level;
  }

  /** Redis zslInsert: the caller guarantees the member is not in the list. */
  private insertNode(member: string, score: number): void {
    const update = UPDATE;
    const rank = RANK;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1]!;
      while (x.forward[i] && before(x.forward[i]!, score, member)) {
        rank[i]! += x.span[i]!;
        x = x.forward[i]!;
      }
      update[i] = x;
    }
    const level = this.randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.header;
        this.header.span[i] = this.count;
      }
      this.level = level;
    }
    const node = new SkipNode(member, score, level);
    for (let i = 0; i < level; i++) {
      const prev = update[i]!;
      node.forward[i] = prev.forward[i]!;
      prev.forward[i] = node;
      node.span[i] = prev.span[i]! - (rank[0]! - rank[i]!);
      prev.span[i] = rank[0]! - rank[i]! + 1;
    }
    for (let i = level; i < this.level; i++) update[i]!.span[i]!++;
    node.backward = update[0] === this.header ? null : update[0]!;
    if (node.forward[0]) node.forward[0].backward = node;
    else this.tail = node;
    this.count++;
  }

  /** Redis zslDelete + zslDeleteNode: the (score, member) pair must be in the list. */
  private deleteNode(score: number, member: string): void {
    const update = UPDATE;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.forward[i] && before(x.forward[i]!, score, member)) x = x.forward[i]!;
      update[i] = x;
    }
    const node = x.forward[0];
    if (!node || node.member !== member) throw new Error(`sorted set index lost member '${member}'`);
    for (let i = 0; i < this.level; i++) {
      const prev = update[i]!;
      if (prev.forward[i] === node) {
        prev.span[i]! += node.span[i]! - 1;
        prev.forward[i] = node.forward[i]!;
      } else {
        prev.span[i]!--;
      }
    }
    if (node.forward[0]) node.forward[0].backward = node.backward;
    else this.tail = node.backward;
    while (this.level > 1 && !this.header.forward[this.level - 1]) this.level--;
    this.count--;
  }
}
