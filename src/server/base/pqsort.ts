// Redis's partial quicksort (pqsort.c, Bentley & McIlroy's qsort that skips the partitions lying
// wholly outside the wanted index range). SORT ... BY ... LIMIT and the geo searches with COUNT use
// it, and it is not stable: elements that compare equal end up in the order this exact sequence of
// swaps leaves them, which is what clients see. So the algorithm is reproduced step for step.

type Compare<T> = (a: T, b: T) => number;

function swap<T>(a: T[], i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/** Swaps the runs a[i..i+n) and a[j..j+n) element by element. */
function swapRuns<T>(a: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(a, i + k, j + k);
}

/** Index of the median of three (Redis med3: the same comparisons in the same order). */
function median<T>(a: T[], i: number, j: number, k: number, cmp: Compare<T>): number {
  if (cmp(a[i]!, a[j]!) < 0) {
    if (cmp(a[j]!, a[k]!) < 0) return j;
    return cmp(a[i]!, a[k]!) < 0 ? k : i;
  }
  if (cmp(a[j]!, a[k]!) > 0) return j;
  return cmp(a[i]!, a[k]!) < 0 ? i : k;
}

/** True when the run [first, last] and the wanted range [left, right] overlap. */
function wanted(first: number, last: number, left: number, right: number): boolean {
  return !((left < first && right < first) || (left > last && right > last));
}

function insertionSort<T>(a: T[], base: number, n: number, cmp: Compare<T>): void {
  for (let m = base + 1; m < base + n; m++) {
    for (let l = m; l > base && cmp(a[l - 1]!, a[l]!) > 0; l--) swap(a, l, l - 1);
  }
}

/** The pivot chosen as Redis does: middle element, median of three, or ninther above 40. */
function choosePivot<T>(a: T[], base: number, n: number, cmp: Compare<T>): number {
  let m = base + Math.floor(n / 2);
  if (n > 7) {
    let l = base;
    let r = base + n - 1;
    if (n > 40) {
      const d = Math.floor(n / 8);
      l = median(a, l, l + d, l + 2 * d, cmp);
      m = median(a, m - d, m, m + d, cmp);
      r = median(a, r - 2 * d, r - d, r, cmp);
    }
    m = median(a, l, m, r, cmp);
  }
  return m;
}

/**
 * Three-way partition around a[base] (equal keys gathered at both ends, then swapped to the
 * middle). Returns the sizes of the "less" and "greater" runs.
 */
function partition<T>(a: T[], base: number, n: number, cmp: Compare<T>): [number, number] {
  let pa = base + 1;
  let pb = pa;
  let pc = base + n - 1;
  let pd = pc;
  for (;;) {
    let c: number;
    while (pb <= pc && (c = cmp(a[pb]!, a[base]!)) <= 0) {
      if (c === 0) swap(a, pa++, pb);
      pb++;
    }
    while (pb <= pc && (c = cmp(a[pc]!, a[base]!)) >= 0) {
      if (c === 0) swap(a, pc, pd--);
      pc--;
    }
    if (pb > pc) break;
    swap(a, pb++, pc--);
  }
  const end = base + n;
  let r = Math.min(pa - base, pb - pa);
  swapRuns(a, base, pb - r, r);
  r = Math.min(pd - pc, end - pd - 1);
  swapRuns(a, pb, end - r, r);
  return [pb - pa, pd - pc];
}

/** Sorts a[left..right] (inclusive indexes) into place; the rest ends up partitioned around it. */
export function pqsort<T>(a: T[], cmp: Compare<T>, left: number, right: number): void {
  sortRun(a, cmp, left, right, 0, a.length);
}

/** Redis _pqsort on the run a[base..base+n): recurses on the smaller side, loops on the larger. */
function sortRun<T>(a: T[], cmp: Compare<T>, left: number, right: number, base: number, n: number): void {
  for (;;) {
    if (n < 7) {
      insertionSort(a, base, n, cmp);
      return;
    }
    swap(a, base, choosePivot(a, base, n, cmp));
    const [less, greater] = partition(a, base, n, cmp);
    if (less > 1 && wanted(base, base + less - 1, left, right)) sortRun(a, cmp, left, right, base, less);
    if (greater <= 1) return;
    base = base + n - greater;
    n = greater;
    if (!wanted(base, base + n - 1, left, right)) return;
  }
}
