// Every fenced state in words: why the node refuses writes, what lifts it, and which members it
// waits for. INFO fencing, the -FENCED error and `clusterctl status` all say the same.

import type { Authority } from './authority.js';
import type { FenceExplanation, FenceReason } from './types.js';

/** What the explanation reads of the fence core. */
export interface FenceState {
  readonly authority: Authority;
  readonly bootIds: ReadonlySet<string>;
  readonly confirmAfter: number;
  readonly stalledMs: number;
  readonly superseded: { from: string; epoch: number } | null;
  readonly failover: { by: string; until: number } | null;
}

const RELEASE = 'or their FENCING RELEASE (SENTINEL REMOVE or RESET on them), or FENCING FORGET <id> for one gone for good';

export function explainFence(state: FenceState, reason: FenceReason, lease: number, now: number): FenceExplanation {
  const authority = state.authority;
  const members = authority.size;
  const unconfirmed = authority.unconfirmed(state.confirmAfter);
  const majority = `${authority.majority()} of its ${members} sentinel(s)`;
  switch (reason) {
    case 'lease':
      return {
        reason,
        why: `it has not heard from ${majority} within the ${lease} ms lease, so they may be failing it over`,
        liftedBy: `hellos naming this master from ${majority}, ${RELEASE}`,
        waitingFor: unconfirmed,
      };
    case 'stall':
      return {
        reason,
        why: `this process was stalled for ${state.stalledMs} ms and may have been replaced meanwhile`,
        liftedBy: members > 0 ? `hellos naming this master from ${majority}, ${RELEASE}` : 'min-replicas-to-write replicas acknowledging it again',
        waitingFor: unconfirmed,
      };
    case 'config': {
      const { from, epoch } = state.superseded ?? { from: '?', epoch: 0 };
      return {
        reason,
        why: `sentinel ${from} announced a newer configuration (epoch ${epoch}) naming another master`,
        liftedBy: `becoming a replica (the sentinels convert it), or hellos naming this master at that epoch from ${majority}`,
        waitingFor: unconfirmed,
      };
    }
    case 'restart': {
      const group = [...state.bootIds];
      const needed = Math.floor(group.length / 2) + 1;
      return {
        reason,
        why: `this master restarted, and the ${group.length} sentinel(s) that monitored it may have promoted a replica meanwhile`,
        liftedBy: `hellos naming this master from ${needed} of them, ${RELEASE}`,
        waitingFor: group.filter((id) => unconfirmed.includes(id)),
      };
    }
    case 'failover': {
      const { by, until } = state.failover ?? { by: '?', until: now };
      return {
        reason,
        why: `sentinel ${by} is promoting a replica in its place (SENTINEL FAILOVER)`,
        liftedBy: `becoming a replica, or the failover ending without a promotion (at the latest in ${Math.max(0, until - now)} ms)`,
        waitingFor: [by],
      };
    }
  }
}

/** The -FENCED error text: the reason, why, and what lifts it. */
export function fencedMessage(explanation: FenceExplanation): string {
  const waiting = explanation.waitingFor.length > 0 ? ` (waiting for ${explanation.waitingFor.join(', ')})` : '';
  return `FENCED (${explanation.reason}) ${explanation.why}; writes are refused until ${explanation.liftedBy}${waiting}`;
}
