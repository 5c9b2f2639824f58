// The declared request path (src/server/request/request-path.ts): checks run in processCommand's
// order whatever order they were registered in, `writes` checks only for requests that write, a
// refusal inside MULTI flags the transaction, and a slot takes one check.

import { describe, expect, it } from 'vitest';
import { ErrorReply } from '../../src/shared/resp/reply.js';
import { CHECK_ORDER, RequestPath } from '../../src/server/request/request-path.js';
import { connect, makeServer } from '../helpers/unit-server.js';

describe('request path', () => {
  it('orders the checks as CHECK_ORDER, whatever the registration order', () => {
    const path = new RequestPath();
    path.check('client-pause', () => undefined).check('noauth', () => undefined).check('oom', () => undefined);
    expect(path.registeredChecks()).toEqual(['noauth', 'oom', 'client-pause']);
    expect(CHECK_ORDER.indexOf('noauth')).toBeLessThan(CHECK_ORDER.indexOf('acl'));
    expect(() => path.check('noauth', () => undefined)).toThrow(/registered twice/);
  });

  it('runs `writes` checks for writes only, in their place among the others', () => {
    const server = makeServer();
    const seen: string[] = [];
    server.requestPath
      .check('oom', ({ fullName }) => void seen.push(`oom:${fullName}`), { writes: true })
      .check('misconf', ({ fullName }) => void seen.push(`misconf:${fullName}`));
    const c = connect(server);
    c.run('GET', 'k');
    c.run('SET', 'k', 'v');
    expect(seen).toEqual(['misconf:get', 'oom:set', 'misconf:set']);
  });

  it('a refusal answers the error; inside MULTI it makes EXEC abort', () => {
    const server = makeServer();
    const refused = new ErrorReply('OOM command not allowed');
    server.requestPath.check('oom', ({ traits }) => (traits.write ? refused : undefined), { writes: true });
    const c = connect(server);
    expect(c.wire('SET', 'k', 'v')).toBe('-OOM command not allowed\r\n');
    expect(c.wire('GET', 'k')).toBe('$-1\r\n');
    c.run('MULTI');
    expect(c.wire('SET', 'k', 'v')).toBe('-OOM command not allowed\r\n');
    expect(c.wire('EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n');
  });
});
