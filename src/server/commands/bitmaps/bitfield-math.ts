// BITFIELD's integer rules (bitops.c checkSignedBitfieldOverflow / checkUnsignedBitfieldOverflow):
// what a SET or INCRBY stores into an iN or uN field under OVERFLOW WRAP, SAT or FAIL. Exact in
// bigint; the unsigned quirk is kept: a negative SET value is first read as a huge unsigned 64-bit
// number, so `SET u8 0 -1` saturates to 255, not 0.

export type OverflowMode = 'wrap' | 'sat' | 'fail';

export interface FieldType {
  signed: boolean;
  /** 1..64 for signed, 1..63 for unsigned. */
  bits: number;
}

/** What to store: the new field value, and whether it overflowed (FAIL then stores nothing). */
export interface FieldUpdate {
  value: bigint;
  overflow: boolean;
}

/** The stored bits read as this type (sign-extended for iN). */
export function asField(type: FieldType, raw: bigint): bigint {
  return type.signed ? BigInt.asIntN(type.bits, raw) : raw;
}

function signedUpdate(bits: number, value: bigint, increment: bigint, mode: OverflowMode): FieldUpdate {
  const max = (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const sum = value + increment;
  if (sum >= min && sum <= max) return { value: sum, overflow: false };
  // WRAP: the 64-bit unsigned sum with the sign bit of the field propagated.
  if (mode === 'wrap') return { value: BigInt.asIntN(bits, sum), overflow: true };
  return { value: sum > max ? max : min, overflow: true };
}

function unsignedUpdate(bits: number, value: bigint, increment: bigint, mode: OverflowMode): FieldUpdate {
  const max = (1n << BigInt(bits)) - 1n;
  const sum = value + increment;
  const high = value > max || (increment > 0n && sum > max);
  const low = !high && increment < 0n && sum < 0n;
  if (!high && !low) return { value: sum, overflow: false };
  if (mode === 'wrap') return { value: BigInt.asUintN(bits, sum), overflow: true };
  return { value: high ? max : 0n, overflow: true };
}

/** INCRBY: the old field value plus the increment, under the overflow mode. */
export function incrementField(type: FieldType, old: bigint, increment: bigint, mode: OverflowMode): FieldUpdate {
  return type.signed ? signedUpdate(type.bits, old, increment, mode) : unsignedUpdate(type.bits, old, increment, mode);
}

/** SET: the given value checked against the field's range, under the overflow mode. */
export function assignField(type: FieldType, value: bigint, mode: OverflowMode): FieldUpdate {
  return type.signed ? signedUpdate(type.bits, value, 0n, mode) : unsignedUpdate(type.bits, BigInt.asUintN(64, value), 0n, mode);
}
