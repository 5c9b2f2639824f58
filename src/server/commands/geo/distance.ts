// Great-circle distances as Redis 7.0 geohash_helper.c computes them: the haversine formula on a
// sphere of Redis's radius (6372797.560856 m), the same operations in the same order (so the same
// doubles), and the radius / box membership tests the searches use. Pure.

import { asin, cos, sin } from './exact-trig.js';

/** Redis EARTH_RADIUS_IN_METERS (a quadratic mean of the WGS-84 radii). */
export const EARTH_RADIUS = 6372797.560856;
/** Redis D_R: M_PI / 180.0 as a double. */
const DEG_TO_RAD = Math.PI / 180;

export function degToRad(degrees: number): number {
  return degrees * DEG_TO_RAD;
}

export function radToDeg(radians: number): number {
  return radians / DEG_TO_RAD;
}

/** Distance along a meridian (geohashGetLatDistance): no trigonometry needed. */
export function latitudeDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS * Math.abs(degToRad(lat2) - degToRad(lat1));
}

/** Haversine distance in metres between two lon/lat points (geohashGetDistance). */
export function distance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const v = sin((degToRad(lon2) - degToRad(lon1)) / 2);
  // Same longitude: Redis takes the meridian shortcut, whose rounding differs from the formula's.
  if (v === 0) return latitudeDistance(lat1, lat2);
  const lat1r = degToRad(lat1);
  const lat2r = degToRad(lat2);
  const u = sin((lat2r - lat1r) / 2);
  const a = u * u + cos(lat1r) * cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS * asin(Math.sqrt(a));
}

/** The same formula with V8's Math functions: within a few units in the last place of distance(). */
function roughDistance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const v = Math.sin((degToRad(lon2) - degToRad(lon1)) / 2);
  if (v === 0) return latitudeDistance(lat1, lat2);
  const lat1r = degToRad(lat1);
  const lat2r = degToRad(lat2);
  const u = Math.sin((lat2r - lat1r) / 2);
  return 2.0 * EARTH_RADIUS * Math.asin(Math.sqrt(u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v));
}

/**
 * True when the rough distance is so far beyond `limit` that the exact one is too. The slack
 * (1e-7 relative, 1 um absolute) dwarfs the rough formula's error, even near the antipode where
 * asin magnifies it; only points this close to the edge pay for the exact functions.
 */
function surelyBeyond(lon1: number, lat1: number, lon2: number, lat2: number, limit: number): boolean {
  return roughDistance(lon1, lat1, lon2, lat2) > limit * (1 + 1e-7) + 1e-6;
}

/**
 * The distance from the centre when the point is within `radius` metres, else undefined
 * (geohashGetDistanceIfInRadius: a NaN distance, from rounding at the antipode, counts as inside).
 */
export function distanceIfInRadius(centerLon: number, centerLat: number, lon: number, lat: number, radius: number): number | undefined {
  if (surelyBeyond(centerLon, centerLat, lon, lat, radius)) return undefined;
  const d = distance(centerLon, centerLat, lon, lat);
  return d > radius ? undefined : d;
}

/**
 * The distance from the centre when the point is inside the width x height box around it, else
 * undefined (geohashGetDistanceIfInRectangle: the latitude test first, then the east-west distance
 * measured along the point's own parallel).
 */
export function distanceIfInBox(width: number, height: number, centerLon: number, centerLat: number, lon: number, lat: number): number | undefined {
  if (latitudeDistance(lat, centerLat) > height / 2) return undefined;
  if (surelyBeyond(lon, lat, centerLon, lat, width / 2)) return undefined;
  if (distance(lon, lat, centerLon, lat) > width / 2) return undefined;
  return distance(centerLon, centerLat, lon, lat);
}
