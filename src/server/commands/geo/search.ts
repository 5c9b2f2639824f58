// The geo searches (Redis 7.0 geo.c georadiusGeneric): GEORADIUS, GEORADIUSBYMEMBER, their _RO
// forms, GEOSEARCH and GEOSEARCHSTORE. Points are gathered cell by cell in Redis's scan order, then
// sorted: all of them with a stable sort (glibc's qsort is a merge sort), or only the first COUNT
// with Redis's partial quicksort, so ties come out as redis-server gives them. A STORE writes a
// sorted set of the original scores (or distances) and is propagated as the command itself.

import { ErrorReply, type Reply } from '../../../shared/resp/reply.js';
import { SortedSet } from '../../keyspace/sorted-set.js';
import { pqsort } from '../../base/pqsort.js';
import { getZset } from '../sorted-sets/common.js';
import { cellScores, sameCell, searchCells, type Shape } from './areas.js';
import { distanceIfInBox, distanceIfInRadius } from './distance.js';
import { coordinateReply, formatDistance, scoreAsInteger } from './format.js';
import { decodeScore } from './geohash.js';
import { parseSearch, type SearchKind, type SearchRequest } from './search-options.js';
import type { CommandContext } from '../../base/command-spec.js';
import { NOTIFY_ZSET } from '../../keyspace/keyspace-events.js';
import { storeOrDelete } from '../../base/store-result.js';

interface GeoPoint {
  member: string;
  lon: number;
  lat: number;
  /** Metres until the reply or the store divides it by the unit. */
  dist: number;
  score: number;
}

/** The distance from the centre when the point is inside the shape (geoWithinShape). */
function within(shape: Shape, lon: number, lat: number): number | undefined {
  if (shape.radius !== undefined) return distanceIfInRadius(shape.lon, shape.lat, lon, lat, shape.radius * shape.conversion);
  return distanceIfInBox(shape.width! * shape.conversion, shape.height! * shape.conversion, shape.lon, shape.lat, lon, lat);
}

/** Appends the points of one cell (scores in [min, max)) inside the shape; stops at `limit`. */
function scanCell(zset: SortedSet, min: number, max: number, shape: Shape, points: GeoPoint[], limit: number): void {
  let node = zset.firstInScoreRange({ min, max, minExclusive: false, maxExclusive: true });
  for (; node && node.score < max; node = node.next) {
    const [lon, lat] = decodeScore(node.score);
    const dist = within(shape, lon, lat);
    if (dist !== undefined) points.push({ member: node.member, lon, lat, dist, score: node.score });
    if (limit && points.length >= limit) return;
  }
}

/**
 * Scans the cells in order (membersOfAllNeighbors). A cell equal to the one scanned just before is
 * skipped, but, as in Redis, never by comparison with the centre cell (its index 0 reads as "none").
 */
function gather(zset: SortedSet, shape: Shape, limit: number): GeoPoint[] {
  const cells = searchCells(shape);
  const points: GeoPoint[] = [];
  let last = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (!cell) continue;
    if (last && sameCell(cell, cells[last]!)) continue;
    if (limit && points.length >= limit) break;
    const [min, max] = cellScores(cell);
    scanCell(zset, min, max, shape, points, limit);
    last = i;
  }
  return points;
}

/** Orders the points by distance: the first `returned` only when fewer than all are wanted. */
function order(points: GeoPoint[], sort: 'asc' | 'desc', returned: number): void {
  const asc = (a: GeoPoint, b: GeoPoint) => (a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1);
  const cmp = sort === 'asc' ? asc : (a: GeoPoint, b: GeoPoint) => -asc(a, b);
  if (returned === points.length) points.sort(cmp);
  else pqsort(points, cmp, 0, returned - 1);
}

function pointReply(ctx: CommandContext, point: GeoPoint, request: SearchRequest): Reply {
  const dist = point.dist / request.shape.conversion;
  if (!request.withDist && !request.withHash && !request.withCoord) return point.member;
  const out: Reply[] = [point.member];
  if (request.withDist) out.push(formatDistance(dist));
  if (request.withHash) out.push(scoreAsInteger(point.score));
  if (request.withCoord) out.push([coordinateReply(point.lon, ctx.client.proto), coordinateReply(point.lat, ctx.client.proto)]);
  return out;
}

/** Writes the result as a sorted set at the STORE key (setKey), or deletes it when empty. */
function store(ctx: CommandContext, points: GeoPoint[], request: SearchRequest, kind: SearchKind): number {
  const key = request.storeKey!;
  const result = points.length === 0 ? null : new SortedSet();
  for (const point of points) result!.add(point.member, request.storeDist ? point.dist / request.shape.conversion : point.score);
  storeOrDelete(ctx, key, result, NOTIFY_ZSET, kind === 'searchstore' ? 'geosearchstore' : 'georadiusstore');
  return points.length;
}

/** Runs one search command; `source` is the index of the key searched. */
export function geoSearch(kind: SearchKind, source: number) {
  return (ctx: CommandContext, args: string[]): Reply => {
    const zset = getZset(ctx, args[source]!);
    if (zset instanceof ErrorReply) return zset;
    const request = parseSearch(kind, args, zset);
    if (request instanceof ErrorReply) return request;
    if (!zset) {
      if (request.storeKey === undefined) return [];
      storeOrDelete(ctx, request.storeKey, null, NOTIFY_ZSET, '');
      return 0;
    }
    // COUNT without an order means the nearest ones (but ANY means any that were found first).
    if (request.count && request.sort === 'none' && !request.any) request.sort = 'asc';
    const points = gather(zset, request.shape, request.any ? request.count : 0);
    if (points.length === 0 && request.storeKey === undefined) return [];
    const returned = request.count === 0 || points.length < request.count ? points.length : request.count;
    if (request.sort !== 'none') order(points, request.sort, returned);
    points.length = returned;
    if (request.storeKey !== undefined) return store(ctx, points, request, kind);
    return points.map((point) => pointReply(ctx, point, request));
  };
}
