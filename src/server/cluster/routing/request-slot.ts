// Owns the slot of each client's current request as the cluster-redirect check routed it (Redis
// c->slot): undefined when it named no key. A script's redis.call compares its keys' slot with it
// (script-keys.ts); the first key a keyless script touches sets it.

import type { Client } from '../../clients/client.js';

const requestSlots = new WeakMap<Client, number | undefined>();

export function setRequestSlot(client: Client, slot: number | undefined): void {
  requestSlots.set(client, slot);
}

export function requestSlotOf(client: Client): number | undefined {
  return requestSlots.get(client);
}
