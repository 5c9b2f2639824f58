// Which sorted-set score ranges a radius or box search scans (Redis geohash_helper.c
// geohashCalculateAreasByShapeWGS84 and geo.c membersOfAllNeighbors): a cell size estimated from the
// radius, the cell holding the centre and its eight neighbours (wrapping around the antimeridian
// and the poles as Redis's bit arithmetic does), coarser by one step when a neighbour does not
// reach the bounding box, and neighbours beyond the box dropped. Pure.

import { cos } from './exact-trig.js';
import { EARTH_RADIUS, degToRad, radToDeg } from './distance.js';
import { decodeArea, encode, type HashBits } from './geohash.js';

/** The search: centre, metres per unit, and a radius or a width x height box (in units). */
export interface Shape {
  lon: number;
  lat: number;
  conversion: number;
  radius?: number;
  width?: number;
  height?: number;
}

const MERCATOR_MAX = 20037726.37;
const MASK64 = (1n << 64n) - 1n;
const EVEN_BITS = 0x5555555555555555n;
const ODD_BITS = 0xaaaaaaaaaaaaaaaan;

/** Redis geohashEstimateStepsByRadius: bits per coordinate of a cell about the search's size. */
export function estimateSteps(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  return Math.min(26, Math.max(1, step));
}

/** [minLon, minLat, maxLon, maxLat] of the search (geohashBoundingBox). */
export function boundingBox(shape: Shape): [number, number, number, number] {
  const height = shape.conversion * (shape.radius ?? shape.height! / 2);
  const width = shape.conversion * (shape.radius ?? shape.width! / 2);
  const latDelta = radToDeg(height / EARTH_RADIUS);
  const lonDeltaTop = radToDeg(width / EARTH_RADIUS / cos(degToRad(shape.lat + latDelta)));
  const lonDeltaBottom = radToDeg(width / EARTH_RADIUS / cos(degToRad(shape.lat - latDelta)));
  // The parallel nearer the pole is the shorter one: it bounds the longitudes.
  const lonDelta = shape.lat < 0 ? lonDeltaBottom : lonDeltaTop;
  return [shape.lon - lonDelta, shape.lat - latDelta, shape.lon + lonDelta, shape.lat + latDelta];
}

function toBig(hash: HashBits): bigint {
  return (BigInt(hash.hi) << 32n) | BigInt(hash.lo);
}

function fromBig(bits: bigint, step: number): HashBits {
  return { hi: Number(bits >> 32n), lo: Number(bits & 0xffffffffn), step };
}

/** Moves a hash one cell along one axis (geohash_move_x / _y), modulo the axis's 2^step cells. */
function move(bits: bigint, step: number, axis: bigint, d: number): bigint {
  if (d === 0) return bits;
  const shift = BigInt(64 - step * 2);
  const other = axis === ODD_BITS ? EVEN_BITS : ODD_BITS;
  const fill = other >> shift;
  let moved = bits & axis;
  if (d > 0) moved = (moved + fill + 1n) & MASK64;
  else moved = ((moved | fill) - (fill + 1n)) & MASK64;
  return (moved & (axis >> shift)) | (bits & other);
}

/** The cell and its neighbours, in Redis's scan order; null for a neighbour Redis drops. */
type Cells = (HashBits | null)[];

/** [self, N, S, E, W, NE, NW, SE, SW] of a hash. */
function neighbours(hash: HashBits): Cells {
  const bits = toBig(hash);
  const at = (dx: number, dy: number) => fromBig(move(move(bits, hash.step, ODD_BITS, dx), hash.step, EVEN_BITS, dy), hash.step);
  return [hash, at(0, 1), at(0, -1), at(1, 0), at(-1, 0), at(1, 1), at(-1, 1), at(1, -1), at(-1, -1)];
}

/** True when a neighbour on some side does not reach the box: the cells are too small. */
function tooFine(cells: Cells, box: [number, number, number, number]): boolean {
  const [minLon, minLat, maxLon, maxLat] = box;
  const [, north, south, east, west] = cells.map((cell) => decodeArea(cell!));
  return north!.latitude.max < maxLat || south!.latitude.min > minLat || east!.longitude.max < maxLon || west!.longitude.min > minLon;
}

/** The cells to scan for a shape (geohashCalculateAreasByShapeWGS84). */
export function searchCells(shape: Shape): Cells {
  const box = boundingBox(shape);
  const radiusMeters =
    shape.radius !== undefined ? shape.radius * shape.conversion : Math.sqrt((shape.width! / 2) * (shape.width! / 2) + (shape.height! / 2) * (shape.height! / 2)) * shape.conversion;
  let steps = estimateSteps(radiusMeters, shape.lat);
  const at = (step: number) => neighbours(encode(shape.lon, shape.lat, step) ?? { hi: 0, lo: 0, step });
  let cells = at(steps);
  if (steps > 1 && tooFine(cells, box)) cells = at(--steps);
  if (steps >= 2) {
    const area = decodeArea(cells[0]!);
    const drop = (...which: number[]) => which.forEach((i) => (cells[i] = null));
    if (area.latitude.min < box[1]) drop(2, 8, 7);
    if (area.latitude.max > box[3]) drop(1, 5, 6);
    if (area.longitude.min < box[0]) drop(4, 8, 6);
    if (area.longitude.max > box[2]) drop(3, 7, 5);
  }
  return cells;
}

/** The score range [min, max) holding every point of a cell (scoresOfGeoHashBox). */
export function cellScores(cell: HashBits): [number, number] {
  const shift = BigInt(52 - cell.step * 2);
  const bits = toBig(cell);
  return [Number(bits << shift), Number((bits + 1n) << shift)];
}

/** Same cell twice in a row: Redis scans it once (huge radii make neighbours coincide). */
export function sameCell(a: HashBits, b: HashBits): boolean {
  return a.hi === b.hi && a.lo === b.lo && a.step === b.step;
}
