// Argument parsing of the geo searches (Redis 7.0 geo.c georadiusGeneric): GEORADIUS[_RO] and
// GEORADIUSBYMEMBER[_RO] take the centre and radius positionally, GEOSEARCH and GEOSEARCHSTORE as
// FROMMEMBER / FROMLONLAT and BYRADIUS / BYBOX; then the common options. Errors come in Redis's
// order: each option is validated as it is met, the combinations afterwards.

import { ErrorReply } from '../../../shared/resp/reply.js';
import type { SortedSet } from '../../keyspace/sorted-set.js';
import { is, parseInteger } from '../../base/args.js';
import { ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_SYNTAX } from '../../base/errors.js';
import { parseScore } from '../sorted-sets/parse.js';
import { decodeScore, GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN } from './geohash.js';
import { printfFixed } from './format.js';
import type { Shape } from './areas.js';

/** Which command is parsing (Redis's RADIUS_* / GEOSEARCH* flags). */
export type SearchKind = 'radius' | 'radius_ro' | 'bymember' | 'bymember_ro' | 'search' | 'searchstore';

export interface SearchRequest {
  shape: Shape;
  withDist: boolean;
  withHash: boolean;
  withCoord: boolean;
  any: boolean;
  /** 0 = unlimited. */
  count: number;
  sort: 'none' | 'asc' | 'desc';
  storeKey: string | undefined;
  storeDist: boolean;
}

const ERR_MEMBER = new ErrorReply('ERR could not decode requested zset member');
const ERR_UNIT = new ErrorReply('ERR unsupported unit provided. please use M, KM, FT, MI');

/** Metres per unit (extractUnitOrReply), or the error. */
export function parseUnit(text: string): number | ErrorReply {
  const unit = text.toLowerCase();
  if (unit === 'm') return 1;
  if (unit === 'km') return 1000;
  if (unit === 'ft') return 0.3048;
  if (unit === 'mi') return 1609.34;
  return ERR_UNIT;
}

/** A longitude, latitude pair (extractLongLatOrReply): both floats, then both in range. */
export function parseLonLat(lonText: string, latText: string): [number, number] | ErrorReply {
  const lon = parseScore(lonText);
  if (lon === null) return ERR_NOT_FLOAT;
  const lat = parseScore(latText);
  if (lat === null) return ERR_NOT_FLOAT;
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    return new ErrorReply(`ERR invalid longitude,latitude pair ${printfFixed(lon, 6)},${printfFixed(lat, 6)}`);
  }
  return [lon, lat];
}

/** A non-negative float with its own error text (getDoubleFromObjectOrReply with a message). */
function parseLength(text: string, what: string): number | ErrorReply {
  const value = parseScore(text);
  return value === null ? new ErrorReply(`ERR need numeric ${what}`) : value;
}

/** `radius unit` (extractDistanceOrReply). */
function parseRadius(shape: Shape, radiusText: string, unitText: string): ErrorReply | undefined {
  const radius = parseLength(radiusText, 'radius');
  if (radius instanceof ErrorReply) return radius;
  if (radius < 0) return new ErrorReply('ERR radius cannot be negative');
  const unit = parseUnit(unitText);
  if (unit instanceof ErrorReply) return unit;
  shape.radius = radius;
  shape.conversion = unit;
  return undefined;
}

/** `width height unit` (extractBoxOrReply). */
function parseBox(shape: Shape, args: string[], at: number): ErrorReply | undefined {
  const width = parseLength(args[at]!, 'width');
  if (width instanceof ErrorReply) return width;
  const height = parseLength(args[at + 1]!, 'height');
  if (height instanceof ErrorReply) return height;
  if (height < 0 || width < 0) return new ErrorReply('ERR height or width cannot be negative');
  const unit = parseUnit(args[at + 2]!);
  if (unit instanceof ErrorReply) return unit;
  shape.width = width;
  shape.height = height;
  shape.conversion = unit;
  return undefined;
}

/** Sets the centre from a member's position, or fails as Redis does when it is missing. */
function centreAtMember(shape: Shape, zset: SortedSet, member: string): ErrorReply | undefined {
  const score = zset.score(member);
  if (score === undefined) return ERR_MEMBER;
  [shape.lon, shape.lat] = decodeScore(score);
  return undefined;
}

/** The positional part of GEORADIUS / GEORADIUSBYMEMBER; returns the index of the first option. */
function parsePositional(kind: SearchKind, args: string[], zset: SortedSet | undefined, shape: Shape): number | ErrorReply {
  if (kind === 'radius' || kind === 'radius_ro') {
    const centre = parseLonLat(args[2]!, args[3]!);
    if (centre instanceof ErrorReply) return centre;
    [shape.lon, shape.lat] = centre;
    return parseRadius(shape, args[4]!, args[5]!) ?? 6;
  }
  if (kind === 'bymember' || kind === 'bymember_ro') {
    // Without the key Redis parses only the options, to know which empty reply to give.
    if (!zset) return 5;
    return centreAtMember(shape, zset, args[2]!) ?? parseRadius(shape, args[3]!, args[4]!) ?? 5;
  }
  return kind === 'searchstore' ? 3 : 2;
}

/** Parsing state: the request plus which GEOSEARCH clauses were seen. */
interface State {
  request: SearchRequest;
  fromMember: boolean;
  fromLonLat: boolean;
  byRadius: boolean;
  byBox: boolean;
}

/** A flag word (no argument); false when the word is not one. */
function flagWord(state: State, word: string): boolean {
  const request = state.request;
  const upper = word.toUpperCase();
  if (upper === 'WITHDIST') request.withDist = true;
  else if (upper === 'WITHHASH') request.withHash = true;
  else if (upper === 'WITHCOORD') request.withCoord = true;
  else if (upper === 'ANY') request.any = true;
  else if (upper === 'ASC') request.sort = 'asc';
  else if (upper === 'DESC') request.sort = 'desc';
  else return false;
  return true;
}

/**
 * One option at args[i] with its arguments; returns how many arguments it took, or the error
 * (a word this command does not take, or one without its arguments, is a syntax error).
 */
function option(kind: SearchKind, state: State, args: string[], i: number, zset: SortedSet | undefined): number | ErrorReply {
  const word = args[i]!;
  const left = args.length - i - 1;
  const request = state.request;
  const search = kind === 'search' || kind === 'searchstore';
  const storeAllowed = kind === 'radius' || kind === 'bymember';
  if (flagWord(state, word)) return 0;
  if (is(word, 'COUNT') && left >= 1) {
    const count = parseInteger(args[i + 1]!);
    if (count === null) return ERR_NOT_INTEGER;
    if (count <= 0) return new ErrorReply('ERR COUNT must be > 0');
    request.count = count;
    return 1;
  }
  if ((is(word, 'STORE') || is(word, 'STOREDIST')) && left >= 1 && storeAllowed) {
    request.storeKey = args[i + 1]!;
    request.storeDist = is(word, 'STOREDIST');
    return 1;
  }
  if (is(word, 'STOREDIST') && kind === 'searchstore') {
    request.storeDist = true;
    return 0;
  }
  if (search) return searchClause(state, args, i, zset);
  return ERR_SYNTAX;
}

/** FROMMEMBER / FROMLONLAT / BYRADIUS / BYBOX, each refused once its alternative was given. */
function searchClause(state: State, args: string[], i: number, zset: SortedSet | undefined): number | ErrorReply {
  const word = args[i]!;
  const left = args.length - i - 1;
  const shape = state.request.shape;
  if (is(word, 'FROMMEMBER') && left >= 1 && !state.fromLonLat) {
    // Without the key Redis only notes the clause and answers the empty reply later.
    const failed = zset ? centreAtMember(shape, zset, args[i + 1]!) : undefined;
    state.fromMember = true;
    return failed ?? 1;
  }
  if (is(word, 'FROMLONLAT') && left >= 2 && !state.fromMember) {
    const centre = parseLonLat(args[i + 1]!, args[i + 2]!);
    if (centre instanceof ErrorReply) return centre;
    [shape.lon, shape.lat] = centre;
    state.fromLonLat = true;
    return 2;
  }
  if (is(word, 'BYRADIUS') && left >= 2 && !state.byBox) {
    state.byRadius = true;
    return parseRadius(shape, args[i + 1]!, args[i + 2]!) ?? 2;
  }
  if (is(word, 'BYBOX') && left >= 3 && !state.byRadius) {
    state.byBox = true;
    return parseBox(shape, args, i + 1) ?? 3;
  }
  return ERR_SYNTAX;
}

/** The combinations Redis refuses once every option was read. */
function checkCombinations(kind: SearchKind, state: State, name: string): ErrorReply | undefined {
  const request = state.request;
  const search = kind === 'search' || kind === 'searchstore';
  if (request.storeKey !== undefined && (request.withDist || request.withHash || request.withCoord)) {
    const what = kind === 'searchstore' ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS';
    return new ErrorReply(`ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
  }
  if (search && !(state.fromMember || state.fromLonLat)) {
    return new ErrorReply(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${name}`);
  }
  if (search && !(state.byRadius || state.byBox)) {
    return new ErrorReply(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${name}`);
  }
  if (request.any && request.count === 0) return new ErrorReply('ERR the ANY argument requires COUNT argument');
  return undefined;
}

/** Parses a whole search command; `zset` is the source key's value (undefined when missing). */
export function parseSearch(kind: SearchKind, args: string[], zset: SortedSet | undefined): SearchRequest | ErrorReply {
  const shape: Shape = { lon: 0, lat: 0, conversion: 1 };
  const request: SearchRequest = {
    shape, withDist: false, withHash: false, withCoord: false, any: false, count: 0, sort: 'none',
    storeKey: kind === 'searchstore' ? args[1]! : undefined, storeDist: false,
  };
  const state: State = { request, fromMember: false, fromLonLat: false, byRadius: false, byBox: false };
  const first = parsePositional(kind, args, zset, shape);
  if (first instanceof ErrorReply) return first;
  for (let i = first; i < args.length; i++) {
    const taken = option(kind, state, args, i, zset);
    if (taken instanceof ErrorReply) return taken;
    i += taken;
  }
  return checkCombinations(kind, state, args[0]!) ?? request;
}
