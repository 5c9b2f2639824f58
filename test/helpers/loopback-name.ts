// A host name for host-name tests that resolves only to 127.0.0.x (IPv4 loopback), found without
// editing system files: `localhost` may also resolve to ::1 (where no test process listens), so each
// candidate is checked with the system resolver (all its addresses, any family).

import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';

/** The first of `localhost`, the machine's own name, `localhost.localdomain` resolving only to 127.0.0.x; null if none. */
export async function loopbackName(): Promise<string | null> {
  for (const name of ['localhost', hostname(), 'localhost.localdomain']) {
    try {
      const addresses = await lookup(name, { all: true });
      if (addresses.length > 0 && addresses.every((a) => a.family === 4 && /^127\.0\.0\.\d+$/.test(a.address))) return name;
    } catch {
      // Not resolvable here: try the next one.
    }
  }
  return null;
}
