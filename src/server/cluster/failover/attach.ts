// Owns the link from a node to its running cluster failover wiring, so CLUSTER FAILOVER (a handler)
// reaches it without the Server knowing about the bus: the composition attaches it when the bus
// starts, and detaches it when the bus stops.

import type { ManualFailoverMode } from '../core/manual-failover.js';

/**
 * What the CLUSTER handlers need: start a manual failover (the refusal text, or null), and drop one in
 * progress (resetManualFailover, which clusterSetMaster and clusterReset call: CLUSTER REPLICATE, RESET).
 */
export interface FailoverControl {
  failover(mode: ManualFailoverMode): string | null;
  resetManualFailover(): void;
}

const attached = new WeakMap<object, FailoverControl>();

export function attachFailover(server: object, control: FailoverControl): void {
  attached.set(server, control);
}

export function detachFailover(server: object): void {
  attached.delete(server);
}

export function failoverOf(server: object): FailoverControl | undefined {
  return attached.get(server);
}
