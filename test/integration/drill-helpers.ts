// Shared by the drill integration tests: the default topology on free ports, and the checks every
// drill's --json output must pass (verdict and exit code agree; the promised fields are there).

import { expect } from 'vitest';
import { DEFAULT_TOPOLOGY_YAML } from '../../src/cli/topology/load.js';
import { freePortRange, type CliRun } from './cli-harness.js';

export async function topology(engine: 'builtin' | 'redis'): Promise<string> {
  const nodeBase = await freePortRange(3);
  let sentinelBase = await freePortRange(3);
  while (Math.abs(sentinelBase - nodeBase) < 3) sentinelBase = await freePortRange(3);
  return DEFAULT_TOPOLOGY_YAML.replace(/^ports: .*$/m, `ports: { base: ${nodeBase}, sentinels: ${sentinelBase} }`)
    .replace(/^engine: .*$/m, `engine: ${engine}`)
    .replace(/^name: .*$/m, `name: drill-${engine}`);
}

/** The verdict and the exit code tell the same story; the JSON carries what the report promises. */
export function expectConsistent(run: CliRun): void {
  expect(run.json, run.stdout + run.stderr).toBeDefined();
  const exit = { pass: 0, loss: 6, diverged: 6, 'not-converged': 7 }[run.json.verdict as string];
  expect(run.code, run.stdout + run.stderr).toBe(exit);
  expect(run.json).toMatchObject({
    converged: true,
    writes: { total: expect.any(Number), ok: expect.any(Number), failed: expect.any(Number), unknown: expect.any(Number) },
    acknowledgedLost: { count: expect.any(Number), keys: expect.any(Array) },
    recoveredByLedger: { count: expect.any(Number) },
    unknown: { present: expect.any(Number), absent: expect.any(Number) },
    unavailability: { ms: expect.any(Number) },
  });
  expect(run.json.acknowledgedLost.count).toBe(run.json.acknowledgedLost.keys.length);
  expect(run.json.verdict === 'loss').toBe(run.json.acknowledgedLost.count > 0);
  expect(run.json.writes.ok).toBeGreaterThan(0);
  expect(run.json.perFault[0]).toMatchObject({ step: expect.any(String) });
  // One node per fault, or every node for crash:all.
  expect(run.json.perFault[0].nodes.length).toBeGreaterThan(0);
  expect(run.json.perFault[0].nodes.every((name: unknown) => typeof name === 'string')).toBe(true);
  expect(run.json.buckets.length).toBeGreaterThan(10);
}

