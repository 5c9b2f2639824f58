// Host name resolution for `resolve-hostnames yes`, blocking as Redis's anetResolve is (getaddrinfo
// in the sentinel's thread): `getent ahostsv4` (glibc's resolver: /etc/hosts, then DNS) with a short
// cache. IPv4 only: the nodes and sentinels listen on IPv4 and `localhost` may also resolve to ::1.
// IP literals never get here (core/address.ts).

import { execFileSync } from 'node:child_process';
import type { Resolver } from '../core/address.js';

/** How long an answer (or a failure) is reused: resolution runs at most this often per name. */
const CACHE_MS = 1000;

export function hostResolver(now: () => number = Date.now): Resolver {
  const cache = new Map<string, { ip: string | null; at: number }>();
  return (host) => {
    const key = host.toLowerCase();
    const hit = cache.get(key);
    if (hit && now() - hit.at < CACHE_MS) return hit.ip;
    const ip = lookup(host);
    cache.set(key, { ip, at: now() });
    return ip;
  };
}

function lookup(host: string): string | null {
  if (!/^[A-Za-z0-9._-]+$/.test(host)) return null;
  try {
    const out = execFileSync('getent', ['ahostsv4', host], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] });
    const first = out.split('\n')[0]?.split(/\s+/)[0];
    return first && /^\d+\.\d+\.\d+\.\d+$/.test(first) ? first : null;
  } catch {
    return null;
  }
}
