// What `clusterctl status` reads of a fenced node: INFO fencing's reason, why, what lifts it and the
// sentinels it waits for (cli/probe/probe.ts).

import { describe, expect, it } from 'vitest';
import { parseInfo } from '../../src/cli/probe/info.js';
import { fromInfo } from '../../src/cli/probe/probe.js';

describe('status: a fenced master in its own words', () => {
  it('reads fence_why, fence_lifted_by and fence_waiting_for', () => {
    const info = [
      '# Replication',
      'role:master',
      '# Fencing',
      'fenced:1',
      'fence_reason:restart',
      'fence_why:this master restarted, and the 3 sentinel(s) that monitored it may have promoted a replica meanwhile',
      'fence_lifted_by:hellos naming this master from 2 of them',
      'fence_waiting_for:aaaaaaaa,bbbbbbbb',
      '',
    ].join('\r\n');
    const probe = fromInfo(7000, parseInfo(info));
    expect(probe.fenced).toBe('restart');
    expect(probe.fence).toEqual({
      why: 'this master restarted, and the 3 sentinel(s) that monitored it may have promoted a replica meanwhile',
      liftedBy: 'hellos naming this master from 2 of them',
      waitingFor: ['aaaaaaaa', 'bbbbbbbb'],
    });
    const free = fromInfo(7000, parseInfo('# Replication\r\nrole:master\r\n# Fencing\r\nfenced:0\r\nfence_why:\r\nfence_waiting_for:\r\n'));
    expect([free.fenced, free.fence]).toEqual([null, null]);
  });
});
