// Checks before `up` (or `start NODE`) starts anything: the engine's programs (node, and sentinel when
// the topology has sentinels) exist, and every port it needs is free (naming the process that holds a
// busy one).

import { existsSync } from 'node:fs';
import { CliError, EXIT } from '../errors.js';
import { busyPorts } from '../proc/ports.js';
import { NODE_BIN, SENTINEL_BIN } from '../supervisor/spawn.js';
import type { ManagedRecord, RunState } from '../state/run-state.js';
import { which } from '../util/which.js';

export function checkBinaries(state: RunState): string {
  const { engine, spec } = state;
  // A mixed Redis Cluster: the nodes on the other engine need its program too (its default binary).
  for (const other of new Set(spec.nodes.map((node) => node.cluster?.engine ?? engine))) {
    if (other === 'redis' && other !== engine) findProgram('redis-server', 'the redis nodes');
    if (other === 'builtin' && other !== engine) findScript(NODE_BIN, NODE_BIN, '../../server/main.js', 'clusterctl-node');
  }
  if (engine === 'redis') {
    if (spec.sentinels) findProgram(spec.binaries.sentinel || 'redis-sentinel', 'binaries.sentinel');
    return findProgram(spec.binaries.server || 'redis-server', 'binaries.server');
  }
  if (spec.sentinels) findScript(spec.binaries.sentinel || SENTINEL_BIN, SENTINEL_BIN, '../../sentinel/main.js', 'clusterctl-sentinel');
  return findScript(spec.binaries.server || NODE_BIN, NODE_BIN, '../../server/main.js', 'clusterctl-node');
}

/** Our own programs run as `node bin/<program>`, which needs the compiled dist/ beside it. */
function findScript(script: string, shipped: string, compiled: string, program: string): string {
  const built = script !== shipped || existsSync(new URL(compiled, import.meta.url));
  if (!existsSync(script) || !built) {
    throw new CliError(`${program} is not available (${script})`, { code: 'NO_BINARY', suggestion: 'Run `npm run build` first.' });
  }
  return script;
}

function findProgram(program: string, setting: string): string {
  const found = which(program);
  if (!found) {
    throw new CliError(`${program} not found${program.includes('/') ? '' : ' on PATH'}`, {
      code: 'NO_BINARY',
      suggestion: `Install Redis (e.g. apt install redis-server redis-sentinel), or set ${setting} in the topology.`,
    });
  }
  return found;
}

/** Fails with PORT_BUSY when any of `records`' ports is taken. */
/** `records` may include a cluster node's bus port as its own entry (name "m1 (cluster bus)"). */
export async function checkPorts(records: Pick<ManagedRecord, 'name' | 'port'>[]): Promise<void> {
  const busy = await busyPorts(records.map((record) => record.port));
  if (busy.length === 0) return;
  const describe = busy.map(({ port, owner }) => {
    const node = records.find((record) => record.port === port)!.name;
    return owner ? `Port ${port} (${node}) is in use by ${owner.program} (pid ${owner.pid})` : `Port ${port} (${node}) is in use`;
  });
  throw new CliError(describe.join('; '), {
    exit: EXIT.PORT_BUSY,
    code: 'PORT_BUSY',
    suggestion: 'Free it, or set ports.base (or the node\'s port) in the topology.',
    data: { ports: busy.map(({ port, owner }) => ({ port, pid: owner?.pid ?? null, program: owner?.program ?? null })) },
  });
}
