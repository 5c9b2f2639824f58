// Our sentinel running a failover the way redis-sentinel would for an operator who renamed commands
// and set scripts: the reconfiguration transaction uses the renamed SLAVEOF / CONFIG (rename-command),
// the client-reconfig-script runs with `<name> leader start <from> <to>`, and the notification
// script with `<event> <description>` for warning events.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasRedis, startNode, type NodeProcess } from '../helpers/processes.js';
import { masterAddress, sentinelMaster, startSentinel, type SentinelProcess } from '../helpers/sentinels.js';
import { waitFor } from '../helpers/wait-for.js';

describe.skipIf(!hasRedis())('clusterctl-sentinel: rename-command and scripts on a failover', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-scripts-'));
  let nodes: NodeProcess[] = [];
  let sentinel: SentinelProcess | undefined;

  afterAll(async () => {
    await Promise.all([sentinel?.stop(), ...nodes.map((n) => n.stop())]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a SENTINEL FAILOVER through renamed commands, with both scripts run as Redis runs them', async () => {
    const renamed = { 'rename-command': 'SLAVEOF xslaveof', 'repl-diskless-sync-delay': '0' };
    // redis-server takes one rename-command per flag: CONFIG is renamed in its config file.
    const conf = join(dir, 'node.conf');
    writeFileSync(conf, 'rename-command CONFIG xconfig\n');
    const master = await startNode({ engine: 'redis', configFile: conf, config: renamed });
    const replica = await startNode({ engine: 'redis', configFile: conf, config: { ...renamed, replicaof: `127.0.0.1 ${master.port}` } });
    nodes = [master, replica];
    const reconf = join(dir, 'reconf.sh');
    const notify = join(dir, 'notify.sh');
    writeFileSync(reconf, `#!/bin/sh\necho "$@" >> ${join(dir, 'reconf.out')}\n`, { mode: 0o755 });
    writeFileSync(notify, `#!/bin/sh\necho "$1|$2" >> ${join(dir, 'notify.out')}\n`, { mode: 0o755 });
    sentinel = await startSentinel({
      monitors: [{ name: 'mymaster', port: master.port, quorum: 1 }],
      lines: [
        'sentinel rename-command mymaster SLAVEOF xslaveof',
        'sentinel rename-command mymaster CONFIG xconfig',
        `sentinel client-reconfig-script mymaster ${reconf}`,
        `sentinel notification-script mymaster ${notify}`,
      ],
    });
    const c = sentinel.client();
    try {
      await waitFor(async () => (await sentinelMaster(c, 'mymaster'))['num-slaves'] === '1', { timeout: 15_000, message: 'the replica' });
      expect(await c.call('SENTINEL', 'FAILOVER', 'mymaster')).toBe('OK');
      await waitFor(async () => (await masterAddress(c, 'mymaster')) === `127.0.0.1:${replica.port}`, { timeout: 20_000, message: 'the switch' });
      await waitFor(() => readFileSync(join(dir, 'reconf.out'), 'utf8').includes('leader'), { timeout: 10_000, message: 'the reconfig script' });
      expect(readFileSync(join(dir, 'reconf.out'), 'utf8')).toBe(`mymaster leader start 127.0.0.1 ${master.port} 127.0.0.1 ${replica.port}\n`);
      await waitFor(() => readFileSync(join(dir, 'notify.out'), 'utf8').includes('+switch-master'), { timeout: 10_000, message: 'the notification script' });
      const notified = readFileSync(join(dir, 'notify.out'), 'utf8').split('\n');
      expect(notified).toContain(`+switch-master|mymaster 127.0.0.1 ${master.port} 127.0.0.1 ${replica.port}`);
      expect(notified).toContain(`+promoted-slave|slave 127.0.0.1:${replica.port} 127.0.0.1 ${replica.port} @ mymaster 127.0.0.1 ${master.port}`);
      expect(notified.some((line) => line.startsWith('+slave|'))).toBe(false); // notices run no script
      await waitFor(async () => ((await c.call('SENTINEL', 'PENDING-SCRIPTS')) as unknown[]).length === 0, { message: 'the script queue to empty' });
    } finally {
      c.disconnect();
    }
  }, 60_000);
});
