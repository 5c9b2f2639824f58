// Geo commands (Redis 7.0 geo.c) over sorted sets whose scores are 52-bit geohashes: GEOADD,
// GEODIST, GEOHASH, GEOPOS here, the searches in search.ts, and the family's command table.
// GEOADD is ZADD underneath, as in Redis (which rewrites the command vector and calls zaddCommand):
// it runs the ZADD handler and propagates `zadd key [options] score member ...` when it changed data.

import { ErrorReply, NULL_ARRAY, type Reply } from '../../../shared/resp/reply.js';
import { ERR_SYNTAX } from '../../base/errors.js';
import { getZset } from '../sorted-sets/common.js';
import { distance } from './distance.js';
import { coordinateReply, formatDistance } from './format.js';
import { decodeScore, encode, geohashString, GEO_STEP_MAX, hashToText } from './geohash.js';
import { parseLonLat, parseUnit } from './search-options.js';
import { geoSearch } from './search.js';
import { command, KEY1, type CommandContext, type CommandSpec } from '../../base/command-spec.js';

/** GEOADD key [NX|XX] [CH] longitude latitude member [...]: validated here, stored by ZADD. */
function geoadd(ctx: CommandContext, args: string[]): Reply {
  let at = 2;
  let nx = false;
  let xx = false;
  for (; at < args.length; at++) {
    const word = args[at]!.toUpperCase();
    if (word === 'NX') nx = true;
    else if (word === 'XX') xx = true;
    else if (word !== 'CH') break;
  }
  if ((args.length - at) % 3 !== 0 || (nx && xx)) return ERR_SYNTAX;
  const zaddArgs = ['zadd', ...args.slice(1, at)];
  for (let i = at; i < args.length; i += 3) {
    const point = parseLonLat(args[i]!, args[i + 1]!);
    if (point instanceof ErrorReply) return point;
    zaddArgs.push(hashToText(encode(point[0], point[1], GEO_STEP_MAX)!), args[i + 2]!);
  }
  const dirty = ctx.server.dirty;
  const reply = ctx.server.commands.get('zadd')!.handler(ctx, zaddArgs) as Reply;
  if (ctx.server.dirty !== dirty) ctx.propagateAs(zaddArgs);
  return reply;
}

/** GEODIST key member1 member2 [unit]: null when the key or either member is missing. */
function geodist(ctx: CommandContext, args: string[]): Reply {
  let metresPerUnit = 1;
  if (args.length === 5) {
    const unit = parseUnit(args[4]!);
    if (unit instanceof ErrorReply) return unit;
    metresPerUnit = unit;
  } else if (args.length > 5) {
    return ERR_SYNTAX;
  }
  const zset = getZset(ctx, args[1]!);
  if (zset === undefined || zset instanceof ErrorReply) return zset ?? null;
  const score1 = zset.score(args[2]!);
  const score2 = zset.score(args[3]!);
  if (score1 === undefined || score2 === undefined) return null;
  const [lon1, lat1] = decodeScore(score1);
  const [lon2, lat2] = decodeScore(score2);
  return formatDistance(distance(lon1, lat1, lon2, lat2) / metresPerUnit);
}

/** GEOHASH key member ...: 11-character strings, null for missing members. */
function geohash(ctx: CommandContext, args: string[]): Reply {
  const zset = getZset(ctx, args[1]!);
  if (zset instanceof ErrorReply) return zset;
  return args.slice(2).map((member) => {
    const score = zset?.score(member);
    return score === undefined ? null : geohashString(score);
  });
}

/** GEOPOS key member ...: [longitude, latitude] of each cell centre, a null array when missing. */
function geopos(ctx: CommandContext, args: string[]): Reply {
  const zset = getZset(ctx, args[1]!);
  if (zset instanceof ErrorReply) return zset;
  return args.slice(2).map((member) => {
    const score = zset?.score(member);
    if (score === undefined) return NULL_ARRAY;
    const [lon, lat] = decodeScore(score);
    return [coordinateReply(lon, ctx.client.proto), coordinateReply(lat, ctx.client.proto)];
  });
}

/** GEOSEARCHSTORE names its destination first and its source second (COMMAND INFO 1 2 1). */
const DEST_AND_SOURCE = { first: 1, last: 2, step: 1 };

export const geoCommands: CommandSpec[] = [
  command('geoadd', -5, ['write', 'denyoom'], geoadd, KEY1),
  command('geodist', -4, ['readonly'], geodist, KEY1),
  command('geohash', -2, ['readonly'], geohash, KEY1),
  command('geopos', -2, ['readonly'], geopos, KEY1),
  command('georadius', -6, ['write', 'denyoom', 'movablekeys'], geoSearch('radius', 1), KEY1),
  command('georadius_ro', -6, ['readonly'], geoSearch('radius_ro', 1), KEY1),
  command('georadiusbymember', -5, ['write', 'denyoom', 'movablekeys'], geoSearch('bymember', 1), KEY1),
  command('georadiusbymember_ro', -5, ['readonly'], geoSearch('bymember_ro', 1), KEY1),
  command('geosearch', -7, ['readonly'], geoSearch('search', 1), KEY1),
  command('geosearchstore', -8, ['write', 'denyoom'], geoSearch('searchstore', 2), DEST_AND_SOURCE),
];
