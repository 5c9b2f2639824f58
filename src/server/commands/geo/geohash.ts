// Redis's geohash codec (geohash.c): a longitude/latitude pair becomes a 52-bit integer whose even
// bits are the latitude cell and odd bits the longitude cell, 26 bits each, over the Web Mercator
// latitude range (+-85.05112878). That integer is the sorted-set score of a GEOADD member; decoding
// gives the cell's centre, which is what GEOPOS and the searches report. GEOHASH re-encodes the
// centre over the standard -90..90 range as the usual base-32 string. Pure.
//
// A hash is two unsigned 32-bit halves (hi, lo): JS bit operators are 32-bit, and a cell on the
// +180 meridian or the top latitude edge sets bit 52 or 53, beyond a double's exact integers.

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;

export interface Range {
  min: number;
  max: number;
}

export const MERCATOR_LONGITUDE: Range = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
export const MERCATOR_LATITUDE: Range = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };
const STANDARD_LATITUDE: Range = { min: -90, max: 90 };

/** A hash of `step` bits per coordinate, as 64 bits in two unsigned halves. */
export interface HashBits {
  hi: number;
  lo: number;
  step: number;
}

/** A decoded cell: its longitude and latitude bounds. */
export interface Area {
  longitude: Range;
  latitude: Range;
}

const TWO_32 = 4294967296;

/** Spreads the low 16 bits of x to the even bits of a 32-bit word. */
function spread(x: number): number {
  x &= 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x;
}

/** Gathers the even bits of a 32-bit word into 16 bits (the inverse of spread). */
function gather(x: number): number {
  x &= 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x;
}

/** Latitude bits to the even positions, longitude bits to the odd ones (Redis interleave64). */
function interleave(lat: number, lon: number, step: number): HashBits {
  const lo = (spread(lat) | (spread(lon) << 1)) >>> 0;
  const hi = (spread(lat >>> 16) | (spread(lon >>> 16) << 1)) >>> 0;
  return { hi, lo, step };
}

/**
 * Encodes a point at `step` bits per coordinate over the given ranges (Redis geohashEncode), or
 * null when it is outside the Mercator limits or the ranges. The fractions are truncated to cells.
 */
export function encode(lon: number, lat: number, step: number, lonRange = MERCATOR_LONGITUDE, latRange = MERCATOR_LATITUDE): HashBits | null {
  if (lon > GEO_LONG_MAX || lon < GEO_LONG_MIN || lat > GEO_LAT_MAX || lat < GEO_LAT_MIN) return null;
  if (lat < latRange.min || lat > latRange.max || lon < lonRange.min || lon > lonRange.max) return null;
  let latOffset = (lat - latRange.min) / (latRange.max - latRange.min);
  let lonOffset = (lon - lonRange.min) / (lonRange.max - lonRange.min);
  latOffset *= 2 ** step;
  lonOffset *= 2 ** step;
  return interleave(Math.trunc(latOffset) >>> 0, Math.trunc(lonOffset) >>> 0, step);
}

/** The hash as a double: what ZADD stores when given its decimal text (rounded to nearest). */
export function hashToNumber(hash: HashBits): number {
  return hash.hi * TWO_32 + hash.lo;
}

/** The hash as exact decimal text (GEOADD hands ZADD the score as an integer string). */
export function hashToText(hash: HashBits): string {
  if (hash.hi < 0x200000) return String(hash.hi * TWO_32 + hash.lo);
  return ((BigInt(hash.hi) << 32n) | BigInt(hash.lo)).toString();
}

/**
 * A score as the 64-bit integer C's `(uint64_t)score` makes of it on x86-64: truncation, negative
 * values wrapping modulo 2^64 (below -2^63: 2^63), and 2^64 or more (or +inf) becoming 0.
 */
export function scoreToBits(score: number): HashBits {
  if (score >= 0 && score < 2 ** 64) {
    const whole = Math.trunc(score);
    const hi = Math.floor(whole / TWO_32);
    return { hi, lo: whole - hi * TWO_32, step: GEO_STEP_MAX };
  }
  if (score >= 2 ** 64) return { hi: 0, lo: 0, step: GEO_STEP_MAX };
  if (score <= -(2 ** 63)) return { hi: 0x80000000, lo: 0, step: GEO_STEP_MAX };
  const wrapped = BigInt.asUintN(64, BigInt(Math.trunc(score)));
  return { hi: Number(wrapped >> 32n), lo: Number(wrapped & 0xffffffffn), step: GEO_STEP_MAX };
}

/** The cell a hash stands for (Redis geohashDecode): 32-bit cell indexes wrap like C's uint32_t. */
export function decodeArea(hash: HashBits, lonRange = MERCATOR_LONGITUDE, latRange = MERCATOR_LATITUDE): Area {
  const latCell = ((gather(hash.hi) << 16) | gather(hash.lo)) >>> 0;
  const lonCell = ((gather(hash.hi >>> 1) << 16) | gather(hash.lo >>> 1)) >>> 0;
  const cells = 2 ** hash.step;
  const latScale = latRange.max - latRange.min;
  const lonScale = lonRange.max - lonRange.min;
  return {
    latitude: {
      min: latRange.min + (latCell / cells) * latScale,
      max: latRange.min + (((latCell + 1) >>> 0) / cells) * latScale,
    },
    longitude: {
      min: lonRange.min + (lonCell / cells) * lonScale,
      max: lonRange.min + (((lonCell + 1) >>> 0) / cells) * lonScale,
    },
  };
}

/** The centre of a cell, clamped to the Mercator limits (geohashDecodeAreaToLongLat). */
export function areaCentre(area: Area): [number, number] {
  let lon = (area.longitude.min + area.longitude.max) / 2;
  let lat = (area.latitude.min + area.latitude.max) / 2;
  if (lon > GEO_LONG_MAX) lon = GEO_LONG_MAX;
  if (lon < GEO_LONG_MIN) lon = GEO_LONG_MIN;
  if (lat > GEO_LAT_MAX) lat = GEO_LAT_MAX;
  if (lat < GEO_LAT_MIN) lat = GEO_LAT_MIN;
  return [lon, lat];
}

/** The longitude and latitude a GEOADD score stands for (Redis decodeGeohash). */
export function decodeScore(score: number): [number, number] {
  return areaCentre(decodeArea(scoreToBits(score)));
}

const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * The 11-character geohash of a score (GEOHASH): the decoded centre re-encoded over -90..90 with
 * 26 bits per coordinate; 52 bits give ten characters, and the eleventh is always '0'.
 */
export function geohashString(score: number): string {
  const [lon, lat] = decodeScore(score);
  const hash = encode(lon, lat, GEO_STEP_MAX, MERCATOR_LONGITUDE, STANDARD_LATITUDE)!;
  const bits = (BigInt(hash.hi) << 32n) | BigInt(hash.lo);
  let out = '';
  for (let i = 0; i < 10; i++) out += BASE32[Number((bits >> BigInt(52 - (i + 1) * 5)) & 31n)];
  return `${out}0`;
}
