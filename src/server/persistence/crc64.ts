// CRC-64 "Jones" as Redis computes it over RDB files and DUMP payloads (Redis crc64.c): reflected,
// polynomial 0xAD93D23594C935A9, init 0, no final xor. Check value: "123456789" -> 0xe9c6d914c4b8d9ca.
// The 64-bit state is kept as two int32 halves so the byte loop stays in V8's fast int32 math.

const REFLECTED_POLY_HI = 0x95ac9329;
const REFLECTED_POLY_LO = 0xac4bc9b5;

const TABLE_HI = new Int32Array(256);
const TABLE_LO = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let round = 0; round < 8; round++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (carry) {
      hi = (hi ^ REFLECTED_POLY_HI) >>> 0;
      lo = (lo ^ REFLECTED_POLY_LO) >>> 0;
    }
  }
  TABLE_HI[i] = hi;
  TABLE_LO[i] = lo;
}

/** A running CRC-64 over a byte stream that arrives in chunks. */
export class Crc64 {
  private hi = 0;
  private lo = 0;

  update(bytes: Uint8Array, start = 0, end = bytes.length): this {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = start; i < end; i++) {
      const index = (lo ^ bytes[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ TABLE_LO[index]!;
      hi = (hi >>> 8) ^ TABLE_HI[index]!;
    }
    this.hi = hi;
    this.lo = lo;
    return this;
  }

  /** The CRC as Redis stores it: 8 bytes, little-endian. */
  digest(): Buffer {
    const out = Buffer.alloc(8);
    out.writeInt32LE(this.lo, 0);
    out.writeInt32LE(this.hi, 4);
    return out;
  }

  get value(): bigint {
    return (BigInt(this.hi >>> 0) << 32n) | BigInt(this.lo >>> 0);
  }
}

/** CRC-64 of a whole buffer (or a range of it), as 8 little-endian bytes. */
export function crc64(bytes: Uint8Array, start = 0, end = bytes.length): Buffer {
  return new Crc64().update(bytes, start, end).digest();
}
