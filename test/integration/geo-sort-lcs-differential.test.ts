// Differential test: geo (GEOADD ... GEOSEARCHSTORE), SORT / SORT_RO and LCS command sequences run on
// Debian's redis-server 7.0 and on our node over raw RESP2 and RESP3 sockets; every reply must be
// byte-identical. The one allowance: distances stored by STOREDIST are full doubles from sin, cos and
// asin, which glibc rounds differently from any portable code in about 1 in 10^4 results, so those
// scores are compared to 1e-13 (members and order exactly). A redis-server replica of our master must
// end with the same DEBUG DIGEST after geo, GEOSEARCHSTORE and SORT ... STORE writes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { hasRedis, startNode, type NodeProcess } from '../helpers/processes.js';
import { waitInSync } from '../helpers/info.js';

/** A command, or a command whose reply holds stored distances (compared to 1e-13). */
type Step = string[] | { near: string[] };

/** Splits on spaces; \xHH escapes give arbitrary bytes. */
const w = (line: string): string[] =>
  line.split(' ').map((word) => word.replace(/\\x([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
const steps = (...lines: string[]): Step[] => lines.map(w);
const near = (line: string): Step => ({ near: w(line) });

/** Length of the first complete reply in `text`, or -1 when more bytes are needed. */
function replyLength(text: string): number {
  let pos = 0;
  let pending = 1;
  while (pending > 0) {
    const eol = text.indexOf('\r\n', pos);
    if (eol < 0) return -1;
    const type = text[pos]!;
    const n = Number(text.slice(pos + 1, eol));
    pos = eol + 2;
    pending--;
    if ((type === '$' || type === '=') && n >= 0) {
      if (text.length < pos + n + 2) return -1;
      pos += n + 2;
    } else if ('*~>'.includes(type) && n > 0) pending += n;
    else if (type === '%' && n > 0) pending += 2 * n;
  }
  return pos;
}

/** One raw connection: each send resolves with its reply's exact bytes (latin1). */
class Session {
  private received = '';
  private readonly waiting: ((reply: string) => void)[] = [];
  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received += chunk.toString('latin1');
      for (let n; this.waiting.length > 0 && (n = replyLength(this.received)) > 0; ) {
        const reply = this.received.slice(0, n);
        this.received = this.received.slice(n);
        this.waiting.shift()!(reply);
      }
    });
  }

  static open(port: number): Promise<Session> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new Session(socket)));
      socket.once('error', reject);
    });
  }

  send(args: string[]): Promise<string> {
    const frame = `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.socket.write(Buffer.from(frame, 'latin1'));
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The bulk strings and doubles of a reply, in order (enough to compare member/score lists). */
function scalars(reply: string): string[] {
  return [...reply.matchAll(/(?:\$\d+\r\n|,)([^\r\n]*)\r\n/g)].map((m) => m[1]!);
}

function sameWithin(mine: string, theirs: string, label: string): void {
  const a = scalars(mine);
  const b = scalars(theirs);
  expect(a.length, label).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    const x = Number(a[i]);
    const y = Number(b[i]);
    if (Number.isNaN(x) || Number.isNaN(y) || x === y) expect(a[i], label).toBe(b[i]);
    else expect(Math.abs(x - y), `${label}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(Math.abs(y) * 1e-13);
  }
}

/** A deterministic pseudo-random sequence (the same scenario every run). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

const SICILY = 'GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 12.758489 38.788135 edge1 17.241510 38.222595 edge2';

const SCENARIOS: Record<string, Step[]> = {
  'GEOADD options, limits and errors': steps(
    'GEOADD g 200 10 m', 'GEOADD g 1e300 -1e300 m', 'GEOADD g inf 0 m', 'GEOADD g 0 -0 m', 'GEOADD g 0 85.05112879 m',
    'GEOADD g NX XX 1 2 m', 'GEOADD g CH CH CH', 'GEOADD g 1 x m', 'GEOADD g 1 2 m 3', 'GEOADD g GT 1 2 m', 'GEOADD g 0x10 0 m',
    'GEOADD g 180 85.05112878 ne -180 -85.05112878 sw 180 -85.05112878 se -180 85.05112878 nw 0 0 origin',
    'ZRANGE g 0 -1 WITHSCORES', 'GEOADD g NX 1 1 origin 2 2 new', 'GEOADD g XX CH 1 1 origin 3 3 other', 'GEOADD g CH 1 1 origin',
    'GEOADD g ch xx 5 5 origin', 'GEOPOS g origin new other', 'SET s x', 'GEOADD s 1 1 m', 'GEOADD s 500 1 m',
  ),
  'GEOPOS GEOHASH GEODIST': steps(
    SICILY, 'GEOADD g 180 85.05112878 ne -180 -85.05112878 sw 179.9999999 -45 date -179.9999999 -45 line 0 0 origin',
    'GEOPOS Sicily Palermo Catania nope', 'GEOHASH Sicily Palermo Catania nope', 'GEOPOS g ne sw date line origin',
    'GEOHASH g ne sw date line origin', 'GEOPOS nokey a b', 'GEOHASH nokey a', 'GEOPOS Sicily', 'GEOHASH Sicily',
    'GEODIST Sicily Palermo Catania', 'GEODIST Sicily Palermo Catania km', 'GEODIST Sicily Palermo Catania MI',
    'GEODIST Sicily Palermo Catania ft', 'GEODIST Sicily Palermo Catania parsec', 'GEODIST Sicily Palermo nope',
    'GEODIST nokey a b', 'GEODIST nokey a b parsec', 'GEODIST Sicily Palermo Catania km extra', 'GEODIST g date line',
    'GEODIST g ne sw km', 'GEODIST g origin origin', 'ZADD odd -1 a inf b 1e30 c 1.5 d -inf e 9.3e18 f',
    'GEOPOS odd a b c d e f', 'GEOHASH odd a b c d e f', 'GEODIST odd a d', 'SET str v', 'GEOPOS str a', 'GEOHASH str a',
    'GEODIST str a b', 'GEODIST str a b parsec',
  ),
  'GEORADIUS and GEORADIUSBYMEMBER': steps(
    SICILY, 'GEORADIUS Sicily 15 37 200 km', 'GEORADIUS Sicily 15 37 200 km WITHDIST WITHCOORD WITHHASH',
    'GEORADIUS Sicily 15 37 200 km WITHDIST ASC', 'GEORADIUS Sicily 15 37 200 km WITHDIST DESC COUNT 1',
    'GEORADIUS Sicily 15 37 300 km COUNT 2 ANY', 'GEORADIUS Sicily 15 37 200 km ANY', 'GEORADIUS Sicily 15 37 200 km COUNT 0',
    'GEORADIUS Sicily 15 37 200 km COUNT -3', 'GEORADIUS Sicily 15 37 200 km COUNT x', 'GEORADIUS Sicily 15 37 200 km COUNT',
    'GEORADIUS Sicily 15 37 -1 km', 'GEORADIUS Sicily 15 37 abc km', 'GEORADIUS Sicily 15 37 1 parsec', 'GEORADIUS Sicily 200 37 1 km',
    'GEORADIUS Sicily 15 37 200 km FOO', 'GEORADIUS Sicily 15 37 200 km STORE d WITHDIST', 'GEORADIUS_RO Sicily 15 37 200 km STORE d',
    'GEORADIUS Sicily 15 37 200 km STORE d', 'ZRANGE d 0 -1 WITHSCORES', 'GEORADIUS Sicily 15 37 200 km STORE d COUNT 1 DESC',
    'ZRANGE d 0 -1 WITHSCORES', 'GEORADIUS Sicily 15 37 1 m STORE d', 'EXISTS d', 'GEORADIUS nokey 15 37 1 m STORE d',
    'GEORADIUS nokey 15 37 1 m', 'GEORADIUS nokey 15 37 x m', 'GEORADIUSBYMEMBER Sicily Palermo 200 km WITHDIST WITHCOORD',
    'GEORADIUSBYMEMBER Sicily nope 200 km', 'GEORADIUSBYMEMBER nokey nope abc xyz', 'GEORADIUSBYMEMBER nokey nope abc xyz STORE d',
    'GEORADIUSBYMEMBER_RO Sicily Palermo 300 km WITHDIST ASC COUNT 3', 'GEORADIUSBYMEMBER_RO Sicily Palermo 1 km STOREDIST d',
    'GEORADIUSBYMEMBER Sicily Palermo 0 m WITHDIST', 'SET str v', 'GEORADIUS str 1 1 1 m', 'GEORADIUSBYMEMBER str a 1 m',
  ),
  'GEOSEARCH and GEOSEARCHSTORE': [
    ...steps(
      SICILY, 'GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC WITHCOORD WITHDIST',
      'GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHCOORD WITHDIST WITHHASH',
      'GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 400 400 km DESC', 'GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 0 0 m',
      'geosearch Sicily FROMMEMBER Palermo FROMLONLAT 1 1 BYBOX 400 400 km', 'geosearch Sicily BYBOX 400 400 km',
      'GeoSearch Sicily FROMMEMBER Palermo', 'GEOSEARCH Sicily FROMMEMBER nope BYRADIUS 1 m', 'GEOSEARCH nokey FROMMEMBER nope BYRADIUS 1 m',
      'GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km BYBOX 1 1 m', 'GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX -1 1 m',
      'GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX x 1 m', 'GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 x m',
      'GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km STORE x', 'GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km COUNT 2 ANY ASC',
      'GEOSEARCH Sicily FROMLONLAT 15 91 BYRADIUS 1 km', 'GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ANY',
      'GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km WITHDIST', 'GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 2 m',
      'GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km COUNT 1', 'ZRANGE dst 0 -1 WITHSCORES',
      'GEOSEARCHSTORE dst nokey FROMLONLAT 15 37 BYRADIUS 200 km', 'EXISTS dst', 'SET str v',
      'GEOSEARCH str FROMLONLAT 15 37 BYRADIUS 200 km', 'GEOSEARCHSTORE dst str FROMLONLAT 15 37 BYRADIUS 200 km',
      'GEOSEARCHSTORE str Sicily FROMLONLAT 15 37 BYRADIUS 200 km', 'TYPE str',
    ),
    ...steps('GEOSEARCHSTORE dst Sicily FROMMEMBER Palermo BYRADIUS 300 km STOREDIST'),
    near('ZRANGE dst 0 -1 WITHSCORES'),
  ],
  'geo edge cases: poles, antimeridian, radius 0, huge radius, ties': steps(
    'GEOADD e 179.999 0 east -179.999 0 west 180 0 e180 -180 0 w180 0 85.05 north 0 -85.05 south 90 85 n2 -90 -85 s2',
    'GEOADD e 10 10 t1 10 10 t2 10 10 t3 10 10 t4 10 10 t5 10 10 t6 10 10 t7 10 10 t8 10 10 t9 10.001 10 t10',
    'GEOSEARCH e FROMLONLAT 180 0 BYRADIUS 500 km WITHDIST ASC', 'GEOSEARCH e FROMLONLAT -180 0 BYBOX 1000 10 km WITHDIST',
    'GEOSEARCH e FROMMEMBER north BYRADIUS 2000 km WITHDIST WITHCOORD', 'GEOSEARCH e FROMMEMBER south BYBOX 10000 500 km WITHDIST',
    'GEOSEARCH e FROMLONLAT 0 85.05112878 BYRADIUS 3000 km WITHDIST', 'GEOSEARCH e FROMLONLAT 10 10 BYRADIUS 0 m WITHDIST',
    'GEOSEARCH e FROMLONLAT 10 10 BYRADIUS 0 m COUNT 3', 'GEOSEARCH e FROMLONLAT 10 10 BYRADIUS 1 km COUNT 4 DESC WITHDIST',
    'GEOSEARCH e FROMLONLAT 10 10 BYRADIUS 1 km COUNT 4 ANY', 'GEOSEARCH e FROMLONLAT 10 10 BYBOX 1 1 km COUNT 3 WITHHASH',
    'GEOSEARCH e FROMLONLAT 0 0 BYRADIUS 40000 km COUNT 5 WITHDIST', 'GEOSEARCH e FROMLONLAT 0 0 BYRADIUS 40000 km DESC WITHDIST',
    'GEOSEARCH e FROMLONLAT 0 0 BYRADIUS inf m COUNT 3', 'GEOSEARCH e FROMLONLAT 0 0 BYBOX inf inf m COUNT 3 DESC',
    'GEOSEARCH e FROMLONLAT 0 0 BYRADIUS 1e9 km', 'GEOSEARCH e FROMLONLAT 45 80 BYBOX 20000 3000 km ASC WITHDIST',
    'GEORADIUS e -179.9995 0 1 mi WITHDIST', 'GEOSEARCH e FROMMEMBER t1 BYRADIUS 200 m ASC COUNT 9 WITHDIST',
  ),
  'SORT lists: numbers, ALPHA, LIMIT, errors': steps(
    'RPUSH l 3 1 2 10 1.5 -4 1e3 0x10 \\x20\\x207 2', 'SORT l', 'SORT l DESC', 'SORT l LIMIT 1 3', 'SORT l LIMIT -5 2', 'SORT l LIMIT 2 -1',
    'SORT l LIMIT 100 5', 'SORT l LIMIT x 5', 'SORT l LIMIT 0 y', 'SORT l ALPHA', 'SORT l ALPHA DESC LIMIT 0 4', 'SORT l BY nosort',
    'SORT l BY nosort DESC', 'SORT l BY nosort LIMIT 2 3', 'SORT l BY nosort DESC LIMIT 2 3', 'SORT l BY nosort LIMIT 20 3',
    'SORT l ASC DESC ASC', 'SORT l FOO', 'SORT l STORE', 'SORT l BY', 'SORT l GET', 'SORT_RO l STORE x', 'SORT_RO l DESC LIMIT 1 2',
    'RPUSH bad 1 abc 2', 'SORT bad', 'SORT bad ALPHA', 'SORT bad BY nosort', 'SORT bad STORE out', 'EXISTS out',
    'RPUSH n \\x00 2\\x003 inf -inf +inf infinity 0x1p3 1e308 -0 +5 .5 5. 0X1A \\x093', 'SORT n', 'SORT n DESC', 'SORT n ALPHA',
    'RPUSH n1 nan', 'SORT n1', 'RPUSH n2 1e-400', 'SORT n2', 'RPUSH n3 1e-310', 'SORT n3', 'RPUSH n4 1e400', 'SORT n4',
    'RPUSH n5 \\x20\\x20', 'SORT n5', 'RPUSH n6 -', 'SORT n6', 'RPUSH hb \\xff a \\x80abc A a\\x00b a\\x00a a \\x01',
    'SORT hb ALPHA', 'SORT hb ALPHA DESC', 'SORT hb ALPHA STORE hbs', 'LRANGE hbs 0 -1', 'SORT hb ALPHA LIMIT 1 4', 'SET str v',
    'SORT str', 'HSET h a 1', 'SORT h', 'SORT nokey', 'SORT nokey STORE out', 'SORT nokey LIMIT 0 5 GET #',
  ),
  'SORT BY and GET patterns, STORE': steps(
    'RPUSH names bob alice carol dave eve', 'MSET w_bob 3 w_alice 1 w_carol 2 w_dave 2 w_eve x', 'HSET h_bob f x', 'HSET h_alice f y',
    'SORT names BY w_*', 'DEL w_eve', 'SORT names BY w_*', 'SORT names BY w_* DESC', 'SORT names BY w_* GET #',
    'SORT names BY w_* GET # GET w_* GET h_*->f GET nokey GET h_*-> GET h_*->nofield', 'SORT names BY w_* ALPHA',
    'SORT names BY w_* ALPHA LIMIT 0 2', 'SORT names BY w_* ALPHA LIMIT 1 3', 'SORT names BY w_* ALPHA DESC LIMIT 1 3',
    'SORT names BY nokey_* ALPHA LIMIT 1 3', 'SORT names BY nokey_* LIMIT 1 3', 'SORT names BY nokey_* ALPHA', 'SORT names ALPHA GET h_*->f',
    'SORT names BY h_*->f ALPHA', 'SORT names BY w_* STORE out', 'LRANGE out 0 -1', 'SORT names BY w_* GET # GET h_*->f STORE out',
    'LRANGE out 0 -1', 'SORT names LIMIT 0 0 STORE out', 'EXISTS out', 'SORT names BY nosort BY w_*', 'SORT names BY w_* BY nosort',
    'SET k_a\\x00b 5', 'SET k_a 6', 'RPUSH pn a\\x00b a', 'SORT pn BY k_* GET k_*', 'SORT pn BY k_*\\x00zz GET k_*\\x00zz',
    'SORT pn GET #\\x00x', 'SORT pn GET k_*->\\x00f', 'HSET hh_a f 1 f\\x00 2', 'SORT pn GET hh_*->f GET hh_*->f\\x00',
    'SORT pn BY hh_*->f ALPHA', 'LPUSH str_list 1', 'SET w_1 notanumber', 'SORT str_list BY w_*',
  ),
  'SORT sets and sorted sets': steps(
    'SADD s 5 3 9 1 -2', 'SORT s', 'SORT s BY nosort', 'SORT s BY nosort LIMIT 1 2', 'SORT s BY nosort STORE so', 'LRANGE so 0 -1',
    'SORT s DESC LIMIT 1 2', 'SADD t b a c', 'SORT t ALPHA', 'SORT t ALPHA DESC', 'SORT t', 'SORT t BY nosort STORE to', 'LRANGE to 0 -1',
    'ZADD z 1 c 2 b 3 a', 'SORT z', 'SORT z ALPHA', 'SORT z BY nosort', 'SORT z BY nosort DESC', 'SORT z BY nosort LIMIT 1 1',
    'SORT z BY nosort DESC LIMIT 1 5', 'SORT z BY nosort LIMIT 5 5', 'ZADD zn 3 10 2 20 1 30', 'SORT zn', 'SORT zn BY nosort',
    'SORT zn BY nosort DESC STORE zo', 'LRANGE zo 0 -1', 'SORT_RO zn ALPHA LIMIT 1 5',
  ),
  LCS: steps(
    'SET a ohmytext', 'SET b mynewtext', 'LCS a b', 'LCS a b LEN', 'LCS a b IDX', 'LCS a b IDX MINMATCHLEN 4',
    'LCS a b IDX MINMATCHLEN 4 WITHMATCHLEN', 'LCS a b IDX WITHMATCHLEN', 'LCS a b LEN IDX', 'LCS a b MINMATCHLEN',
    'LCS a b MINMATCHLEN x', 'LCS a b MINMATCHLEN -5 IDX', 'LCS a b FOO', 'LCS a nokey', 'LCS a nokey IDX', 'LCS nokey nokey2 LEN',
    'RPUSH l x', 'LCS l a', 'LCS a l FOO', 'LCS a a IDX WITHMATCHLEN', 'SET c ABCBDAB', 'SET d BDCABA', 'LCS c d IDX WITHMATCHLEN',
    'LCS d c IDX WITHMATCHLEN', 'LCS c d', 'SET e \\x00\\xff\\x00abc\\xff', 'SET f \\xff\\x00ab\\x00c', 'LCS e f', 'LCS e f IDX',
    'LCS a b idx len', 'LCS a b withmatchlen', 'LCS a b LEN MINMATCHLEN 2',
  ),
};

/** Random points (duplicates, near the antimeridian and the poles) and random searches over them. */
function geoWorkload(): Step[] {
  const r = lcg(12345);
  const out: Step[] = [];
  const points: [number, number][] = [];
  for (let i = 0; i < 160; i++) {
    const k = r();
    let p: [number, number];
    if (k < 0.1 && points.length > 0) p = points[Math.floor(r() * points.length)]!;
    else if (k < 0.2) p = [(r() < 0.5 ? 179.95 : -179.95) + (r() - 0.5) * 0.1, r() * 170 - 85];
    else if (k < 0.3) p = [r() * 360 - 180, (r() < 0.5 ? 1 : -1) * (84 + r() * 1.05)];
    else p = [r() * 360 - 180, r() * 170 - 85];
    points.push(p);
    out.push(['GEOADD', 'big', p[0].toFixed(6), p[1].toFixed(6), `m${i}`]);
  }
  const metres: Record<string, number> = { m: 1, km: 1000, mi: 1609.34, ft: 0.3048 };
  for (let i = 0; i < 120; i++) {
    const unit = ['m', 'km', 'mi', 'ft'][Math.floor(r() * 4)]!;
    const size = String([0, 1, 1000, 50000, 500000, 2000000, 8000000, 25000000][Math.floor(r() * 8)]! / metres[unit]!);
    const shape = r() < 0.5 ? ['BYRADIUS', size, unit] : ['BYBOX', size, String(Number(size) * (0.5 + r())), unit];
    const from = r() < 0.3 ? ['FROMMEMBER', `m${Math.floor(r() * 160)}`] : ['FROMLONLAT', String(r() * 360 - 180), String(r() * 170 - 85)];
    const options: string[] = [];
    if (r() < 0.5) options.push(r() < 0.5 ? 'ASC' : 'DESC');
    if (r() < 0.5) options.push('COUNT', String(1 + Math.floor(r() * 40)), ...(r() < 0.3 ? ['ANY'] : []));
    out.push(['GEOSEARCH', 'big', ...from, ...shape, ...options, 'WITHDIST', 'WITHHASH', 'WITHCOORD']);
    if (i % 6 === 0) out.push(['GEOSEARCHSTORE', 'dst', 'big', ...from, ...shape, ...options, 'STOREDIST'], near('ZRANGE dst 0 -1 WITHSCORES'));
    if (i % 6 === 3) out.push(['GEOSEARCHSTORE', 'dst', 'big', ...from, ...shape, ...options], ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES']);
  }
  for (let i = 0; i < 30; i++) out.push(['GEODIST', 'big', `m${i}`, `m${i + 80}`, 'km'], ['GEOHASH', 'big', `m${i}`, `m${i + 1}`]);
  return out;
}

/** A list with many equal BY values: LIMIT uses the partial quicksort, whose order of ties shows. */
function sortWorkload(): Step[] {
  const r = lcg(7);
  const elements = Array.from({ length: 120 }, () => `e${Math.floor(r() * 60)}`);
  const out: Step[] = [['RPUSH', 'big', ...elements]];
  for (let i = 0; i < 60; i++) if (r() < 0.6) out.push(['SET', `w_e${i}`, String(Math.floor(r() * 8))]);
  for (let i = 0; i < 40; i++) {
    const window = ['LIMIT', String(Math.floor(r() * 130) - 5), String(Math.floor(r() * 60) - 3)];
    const alpha = r() < 0.5 ? ['ALPHA'] : [];
    const desc = r() < 0.5 ? ['DESC'] : [];
    out.push(['SORT', 'big', 'BY', 'w_*', ...alpha, ...desc, ...window, 'GET', '#', 'GET', 'w_*'], ['SORT', 'big', 'BY', 'w_*', ...alpha, ...desc]);
  }
  out.push(['SORT', 'big', 'ALPHA', 'LIMIT', '50', '10'], ['SORT', 'big', 'BY', 'w_*', 'ALPHA', 'LIMIT', '3', '30', 'STORE', 'out'], ['LRANGE', 'out', '0', '-1']);
  return out;
}

SCENARIOS['geo: random points and searches'] = geoWorkload();
SCENARIOS['SORT: BY with many ties and LIMIT'] = sortWorkload();

describe.skipIf(!hasRedis())('geo, SORT and LCS: our node vs redis-server 7.0', () => {
  let ours: NodeProcess;
  let real: NodeProcess;
  beforeAll(async () => {
    [ours, real] = await Promise.all([startNode(), startNode({ engine: 'redis' })]);
  });
  afterAll(async () => {
    await Promise.all([ours?.stop(), real?.stop()]);
  });

  async function runBoth(scenario: Step[], proto: 2 | 3): Promise<void> {
    const sessions = await Promise.all([Session.open(ours.port), Session.open(real.port)]);
    try {
      for (const s of sessions) {
        await s.send(['FLUSHALL']);
        await s.send(['HELLO', String(proto)]);
      }
      for (const step of scenario) {
        const args = Array.isArray(step) ? step : step.near;
        const [mine, theirs] = await Promise.all(sessions.map((s) => s.send(args)));
        const label = `RESP${proto} ${args.join(' ').slice(0, 120)}`;
        if (Array.isArray(step)) expect(mine, label).toBe(theirs);
        else sameWithin(mine!, theirs!, label);
      }
    } finally {
      for (const s of sessions) s.close();
    }
  }

  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    it(`${name} (RESP2 and RESP3)`, async () => {
      await runBoth(scenario, 2);
      await runBoth(scenario, 3);
    });
  }
});

describe.skipIf(!hasRedis())('a redis-server replica of our master after geo and SORT writes', () => {
  const started: NodeProcess[] = [];
  const clients: Redis[] = [];
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await Promise.all(started.map((n) => n.stop()));
  });

  it('ends with the same DEBUG DIGEST', async () => {
    const config = { 'repl-diskless-sync-delay': '0' };
    const master = await startNode({ config });
    started.push(master);
    const m = master.client();
    clients.push(m);
    await m.call('GEOADD', 'before-sync', '13.361389', '38.115556', 'Palermo');
    const replica = await startNode({ engine: 'redis', config: { ...config, replicaof: `127.0.0.1 ${master.port}` } });
    started.push(replica);
    const r = replica.client();
    clients.push(r);
    await waitInSync(m, r);
    const writes = [
      SICILY, 'GEOADD Sicily NX CH 1 1 Palermo 2 2 new', 'GEOADD Sicily XX CH 13 38 Palermo', 'GEOADD poles 180 85.05112878 ne -180 -85.05112878 sw',
      'GEOSEARCHSTORE near Sicily FROMLONLAT 15 37 BYRADIUS 300 km', 'GEOSEARCHSTORE dist Sicily FROMMEMBER Catania BYRADIUS 300 km STOREDIST',
      'GEORADIUS Sicily 15 37 200 km STORE r1', 'GEORADIUSBYMEMBER Sicily Palermo 500 km STOREDIST r2 COUNT 2',
      'GEOSEARCHSTORE gone nokey FROMLONLAT 0 0 BYRADIUS 1 m', 'RPUSH l 3 1 2 b a', 'MSET w_1 9 w_2 8 w_3 7', 'SORT l BY w_* LIMIT 0 3 STORE s1',
      'SORT l ALPHA DESC STORE s2', 'SADD set c a b', 'SORT set BY nosort STORE s3', 'SORT nokey STORE s2', 'ZADD z 1 x 2 y', 'SORT z BY nosort STORE s4',
    ];
    for (const line of writes) await m.call(...(w(line) as [string, ...string[]]));
    await waitInSync(m, r);
    expect(await r.dbsize()).toBe(await m.dbsize());
    expect(await r.call('DEBUG', 'DIGEST')).toBe(await m.call('DEBUG', 'DIGEST'));
    expect(await r.zrange('dist', 0, -1, 'WITHSCORES')).toEqual(await m.zrange('dist', 0, -1, 'WITHSCORES'));
  });
});
