// The sparse HLL encoding (hyperloglog.c): after the header, run-length opcodes covering all 16384
// registers in order. ZERO `00xxxxxx` = 1..64 zero registers; XZERO `01xxxxxx yyyyyyyy` = 1..16384
// zero registers (14-bit length); VAL `1vvvvvxx` = 1..4 registers holding 1..32. Reading, expanding
// to dense, and merging live here; the in-place update with its split-and-merge rules is
// sparse-set.ts, since replicas and RESTOREd values must come out byte for byte as Redis writes them.

import { denseSetRegister, HLL_DENSE, HLL_DENSE_SIZE, HLL_HDR_SIZE, HLL_REGISTERS, HLL_SPARSE, setEncoding, writeHeader, type HllBytes } from './layout.js';

export const SPARSE_VAL_MAX_VALUE = 32;
export const SPARSE_VAL_MAX_LEN = 4;
export const SPARSE_ZERO_MAX_LEN = 64;
export const SPARSE_XZERO_MAX_LEN = 16384;

export const isZero = (op: number): boolean => (op & 0xc0) === 0;
export const isXzero = (op: number): boolean => (op & 0xc0) === 0x40;
export const isVal = (op: number): boolean => (op & 0x80) !== 0;
export const zeroLength = (op: number): number => (op & 0x3f) + 1;
/** The second byte may lie past the end of a truncated value: it reads as 0, as the sds terminator. */
export const xzeroLength = (op: number, next: number | undefined): number => (((op & 0x3f) << 8) | (next ?? 0)) + 1;
export const valValue = (op: number): number => ((op >>> 2) & 0x1f) + 1;
export const valLength = (op: number): number => (op & 0x3) + 1;
export const valOpcode = (value: number, length: number): number => (((value - 1) << 2) | (length - 1) | 0x80) & 0xff;
export const zeroOpcode = (length: number): number => length - 1;

/** Writes an XZERO opcode at `at`. */
export function writeXzero(bytes: Uint8Array, at: number, length: number): void {
  bytes[at] = ((length - 1) >>> 8) | 0x40;
  bytes[at + 1] = (length - 1) & 0xff;
}

/** createHLLObject: an empty sparse HLL, one XZERO covering all registers (18 bytes). */
export function emptySparse(): HllBytes {
  const bytes = new Uint8Array(HLL_HDR_SIZE + 2);
  writeHeader(bytes, HLL_SPARSE);
  writeXzero(bytes, HLL_HDR_SIZE, HLL_REGISTERS);
  return { bytes, length: bytes.length };
}

/** One decoded opcode: its kind, the registers it covers, its value (0 for runs of zeros), its size. */
export interface Opcode {
  kind: 'zero' | 'xzero' | 'val';
  span: number;
  value: number;
  size: number;
}

/** Decodes the opcode at `at`. */
export function opcodeAt(hll: HllBytes, at: number): Opcode {
  const op = hll.bytes[at]!;
  if (isZero(op)) return { kind: 'zero', span: zeroLength(op), value: 0, size: 1 };
  if (isXzero(op)) return { kind: 'xzero', span: xzeroLength(op, at + 1 < hll.length ? hll.bytes[at + 1] : 0), value: 0, size: 2 };
  return { kind: 'val', span: valLength(op), value: valValue(op), size: 1 };
}

/**
 * Walks the opcodes, calling `onVal(first, span, value)` for each VAL run, and returns how many
 * registers were covered, or -1 when a VAL run would pass register 16383 (the walk stops there, as
 * hllSparseToDense and hllMerge do). Runs of zeros are not bounds-checked, like Redis's.
 */
function walk(hll: HllBytes, onVal: (first: number, span: number, value: number) => void): number {
  let index = 0;
  for (let at = HLL_HDR_SIZE; at < hll.length; ) {
    const op = opcodeAt(hll, at);
    if (op.kind === 'val') {
      if (index + op.span > HLL_REGISTERS) return -1;
      onVal(index, op.span, op.value);
    }
    index += op.span;
    at += op.size;
  }
  return index;
}

/** hllSparseToDense: a new dense value keeping the header (cache bytes included); null if corrupt. */
export function sparseToDense(hll: HllBytes): HllBytes | null {
  const dense = new Uint8Array(HLL_DENSE_SIZE);
  dense.set(hll.bytes.subarray(0, HLL_HDR_SIZE));
  setEncoding(dense, HLL_DENSE);
  const covered = walk(hll, (first, span, value) => {
    for (let i = first; i < first + span; i++) denseSetRegister(dense, HLL_HDR_SIZE, i, value);
  });
  return covered === HLL_REGISTERS ? { bytes: dense, length: HLL_DENSE_SIZE } : null;
}

/** The sparse branch of hllMerge: max[i] = MAX(max[i], register i); false when corrupt. */
export function sparseMaxInto(hll: HllBytes, max: Uint8Array): boolean {
  const covered = walk(hll, (first, span, value) => {
    for (let i = first; i < first + span; i++) if (value > max[i]!) max[i] = value;
  });
  return covered === HLL_REGISTERS;
}

/** hllSparseRegHisto: fills the histogram; false when the opcodes do not cover exactly 16384. */
export function sparseHistogram(hll: HllBytes, histogram: Int32Array): boolean {
  let index = 0;
  for (let at = HLL_HDR_SIZE; at < hll.length; ) {
    const op = opcodeAt(hll, at);
    histogram[op.value]! += op.span;
    index += op.span;
    at += op.size;
  }
  return index === HLL_REGISTERS;
}

/** PFDEBUG DECODE's text: `z:<len>`, `Z:<len>`, `v:<value>,<len>` separated by spaces. */
export function describeSparse(hll: HllBytes): string {
  const parts: string[] = [];
  for (let at = HLL_HDR_SIZE; at < hll.length; ) {
    const op = opcodeAt(hll, at);
    if (op.kind === 'zero') parts.push(`z:${op.span}`);
    else if (op.kind === 'xzero') parts.push(`Z:${op.span}`);
    else parts.push(`v:${op.value},${op.span}`);
    at += op.size;
  }
  return parts.join(' ');
}
