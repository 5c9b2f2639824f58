// The partition rule table nodes and sentinels share (shared/faults/rules.ts): FAULT HEAL of some
// peers trims rules and heals those left with none; FOR <ms> heals by itself; every change is told.

import { describe, expect, it } from 'vitest';
import { PartitionRules } from '../../src/shared/faults/rules.js';
import { parsePartition } from '../../src/shared/faults/spec.js';
import { waitFor } from '../helpers/wait-for.js';

function request(words: string[]) {
  const parsed = parsePartition(words);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

describe('partition rules', () => {
  it('heals peers one by one; a rule left with none heals', () => {
    let changes = 0;
    const rules = new PartitionRules(() => changes++, () => 1000);
    const a = rules.add(request(['sentinels', 'replicas']));
    rules.add(request(['master']));
    expect([rules.size, changes, a.id, a.until]).toEqual([2, 2, 1, 0]);
    expect(rules.heal([{ kind: 'replicas' }])).toBe(1);
    expect([...rules.values()].map((r) => r.peers.map((p) => p.kind))).toEqual([['sentinels'], ['master']]);
    expect(rules.heal([{ kind: 'clients' }])).toBe(0);
    expect(changes).toBe(3);
    expect(rules.heal([{ kind: 'sentinels' }])).toBe(1);
    expect(rules.size).toBe(1);
    expect(rules.heal()).toBe(1);
    expect([rules.size, changes]).toEqual([0, 5]);
  });

  it('a rule FOR <ms> heals by itself and says so', async () => {
    const expired: number[] = [];
    let changes = 0;
    const rules = new PartitionRules(() => changes++, () => 5000);
    const rule = rules.add(request(['master', 'FOR', '20']), (r) => expired.push(r.id));
    expect(rule.until).toBe(5020);
    await waitFor(() => rules.size === 0, { timeout: 2000, message: 'the rule to heal itself' });
    expect([expired, changes]).toEqual([[rule.id], 2]);
  });
});
