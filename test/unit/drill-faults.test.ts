// The drill's fault grammar and named scenarios: what a user types in --faults is parsed into timed
// steps, and every mistake is reported with the step it is in.

import { describe, expect, it } from 'vitest';
import { FAULT_ACTIONS, formatFaultList, parseFaultList } from '../../src/cli/drill/fault-list.js';
import { SCENARIOS } from '../../src/cli/drill/scenarios.js';

const all = { available: FAULT_ACTIONS, nodeNames: ['m1', 'r1', 'r2'] };

describe('--faults parser', () => {
  it('parses steps, sorts them by time and accepts ms, s and bare seconds', () => {
    const result = parseFaultList('start:old-master@8s, kill:master@2s, pause:replica:2@1500ms, resume:old-replica@3', all);
    expect(result.errors).toEqual([]);
    expect(result.steps.map((s) => [s.action, s.target, s.atMs])).toEqual([
      ['pause', 'replica:2', 1500],
      ['kill', 'master', 2000],
      ['resume', 'old-replica', 3000],
      ['start', 'old-master', 8000],
    ]);
    expect(formatFaultList(result.steps)).toBe('pause:replica:2@1500ms,kill:master@2s,resume:old-replica@3s,start:old-master@8s');
  });

  it('reports every problem at once, naming the step, with a suggestion for typos', () => {
    const { steps, errors } = parseFaultList('kil:master@2s,kill:m9@2s,kill:master@soon,kill master,,pause:all@1s', all);
    expect(steps).toEqual([]);
    expect(errors).toEqual([
      expect.stringMatching(/^step 1 "kil:master@2s": unknown action "kil" \(did you mean "kill"\?\)/),
      expect.stringMatching(/^step 2 "kill:m9@2s": no node named "m9" \(nodes: m1, r1, r2\); did you mean "m1"\?/),
      'step 3 "kill:master@soon": bad time "soon": write a duration from the start, e.g. 2s, 1500ms',
      'step 4 "kill master": not ACTION:TARGET@TIME (e.g. kill:master@2s)',
      'step 5 is empty (two commas in a row, or a trailing comma)',
      expect.stringMatching(/^step 6 "pause:all@1s": "all" works with restart and crash only/),
    ]);
  });

  it('old-master needs an earlier step on master (in time, not in writing order)', () => {
    expect(parseFaultList('start:old-master@1s,kill:master@2s', all).errors).toEqual([
      expect.stringMatching(/^step "start:old-master@1s": old-master names the node an earlier step resolved "master" to/),
    ]);
    expect(parseFaultList('kill:replica@1s,start:old-replica@2s', all).errors).toEqual([]);
  });

  it('refuses actions this build or engine cannot run, with the reason', () => {
    const options = { available: FAULT_ACTIONS.filter((a) => a !== 'partition' && a !== 'heal'), unavailableReason: () => 'engine redis cannot partition', nodeNames: ['m1'] };
    expect(parseFaultList('partition:master@1s,heal:old-master@3s', options).errors).toEqual([
      'step 1 "partition:master@1s": engine redis cannot partition',
      'step 2 "heal:old-master@3s": engine redis cannot partition',
    ]);
  });

  it('crash takes all or one node; restart-empty one node only', () => {
    const result = parseFaultList('crash:all@2s,restart-empty:master@4s,crash:r1@6s', all);
    expect(result.errors).toEqual([]);
    expect(result.steps.map((s) => [s.action, s.target])).toEqual([
      ['crash', 'all'],
      ['restart-empty', 'master'],
      ['crash', 'r1'],
    ]);
    expect(parseFaultList('restart-empty:all@2s', all).errors).toEqual([expect.stringMatching(/"all" works with restart and crash only/)]);
  });

  it('an empty list says what to write', () => {
    expect(parseFaultList('  ', all).errors[0]).toMatch(/^empty fault list: write ACTION:TARGET@TIME/);
  });
});

describe('scenarios', () => {
  it('every scenario is a valid fault list for short and default durations, ending before the workload does', () => {
    for (const scenario of SCENARIOS) {
      for (const duration of [6000, 8000, 20_000]) {
        const { steps, errors } = parseFaultList(scenario.faults(duration), all);
        expect(errors, `${scenario.name} @ ${duration}`).toEqual([]);
        expect(steps.every((s) => scenario.needs.includes(s.action)), scenario.name).toBe(true);
        expect(steps[0]!.atMs).toBeGreaterThan(0);
      }
    }
  });

  it('crash-all and restart-master-empty strike once, after the normal traffic', () => {
    expect(SCENARIOS.find((s) => s.name === 'crash-all')!.faults(20_000)).toBe('crash:all@2000ms');
    expect(SCENARIOS.find((s) => s.name === 'restart-master-empty')!.faults(20_000)).toBe('restart-empty:master@2000ms');
  });

  it('pause-master freezes the master for 8 s in a default drill, then thaws it', () => {
    const pause = SCENARIOS.find((s) => s.name === 'pause-master')!;
    expect(pause.faults(20_000)).toBe('pause:master@2000ms,resume:old-master@10000ms');
  });
});
