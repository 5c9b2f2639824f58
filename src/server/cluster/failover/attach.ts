// Owns the link from a node to its running cluster failover wiring, so CLUSTER FAILOVER (a handler)
// reaches it without the Server knowing about the bus: the composition attaches it when the bus
// starts, and detaches it when the bus stops.

import type { ManualFailoverMode } from '../core/manual-failover.js';

/** What the CLUSTER FAILOVER handler needs: start a manual failover, get the refusal text or null. */
export interface FailoverControl {
  failover(mode: ManualFailoverMode): string | null;
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
