// Differential test of the Lua libraries Redis loads into scripts (cjson, cmsgpack, struct): each
// script of scripting-lib-scripts.ts runs on redis-server 7.0 and on our node after SCRIPT FLUSH
// (a new Lua state, default library configuration), replies and error texts compared byte for byte.

import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { hasRedis } from '../helpers/processes.js';
import { useServerPair } from './scripting-pair.js';
import { CJSON_SCRIPTS, CMSGPACK_SCRIPTS, SANDBOX_LIB_SCRIPTS, STRUCT_SCRIPTS } from './scripting-lib-scripts.js';

function normalize(reply: unknown): unknown {
  if (Buffer.isBuffer(reply)) return reply.toString('latin1');
  if (Array.isArray(reply)) return reply.map(normalize);
  return reply;
}

async function run(client: Redis, body: string): Promise<unknown> {
  try {
    await client.call('SCRIPT', 'FLUSH');
    return normalize(await client.callBuffer('EVAL', body, '0'));
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const GROUPS: Record<string, string[]> = { cjson: CJSON_SCRIPTS, cmsgpack: CMSGPACK_SCRIPTS, struct: STRUCT_SCRIPTS, sandbox: SANDBOX_LIB_SCRIPTS };

describe.skipIf(!hasRedis())('scripting libraries: our node answers like redis-server 7.0', () => {
  const pair = useServerPair();

  for (const [name, scripts] of Object.entries(GROUPS)) {
    it(name, async () => {
      const { a, b } = pair;
      for (const body of scripts) expect(await run(a, body), body).toEqual(await run(b, body));
    });
  }

  it('a configuration set by one script stays for the next (same Lua state)', async () => {
    const { a, b } = pair;
    const steps = ['return cjson.encode_max_depth(2)', 'return cjson.encode({{{1}}})', 'return cjson.encode_max_depth()'];
    for (const client of [a, b]) await client.call('SCRIPT', 'FLUSH');
    for (const body of steps) {
      const [mine, real] = await Promise.all([a.call('EVAL', body, '0').catch((e: Error) => e.message), b.call('EVAL', body, '0').catch((e: Error) => e.message)]);
      expect(mine, body).toEqual(real);
    }
  });
});
