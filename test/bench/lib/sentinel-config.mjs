// The sentinel.conf the benchmarks give clusterctl-sentinel and redis-sentinel alike: one master
// `m` on this machine, quorum 2, failover-timeout 10 s.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `s<port>.conf` in `dir` (log beside it) and returns its path. */
export function writeSentinelConfig(dir, port, masterPort, downAfterMs) {
  const conf = join(dir, `s${port}.conf`);
  writeFileSync(
    conf,
    [
      `port ${port}`, 'bind 127.0.0.1', `logfile ${join(dir, `s${port}.log`)}`,
      `sentinel monitor m 127.0.0.1 ${masterPort} 2`, `sentinel down-after-milliseconds m ${downAfterMs}`,
      'sentinel failover-timeout m 10000', '',
    ].join('\n'),
  );
  return conf;
}
