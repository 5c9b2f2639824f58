// The hash slot of a key the drill wrote, so that it reads it back from that shard's master and
// compares that shard's replicas only. The drill's keys are JS strings sent as UTF-8 by ioredis;
// the slot is the one CLUSTER KEYSLOT gives for those bytes (shared/key-slot.ts, cluster.c keyHashSlot).

import { keySlotOfBytes } from '../../../shared/key-slot.js';

export function keySlot(key: string): number {
  return keySlotOfBytes(Buffer.from(key, 'utf8'));
}
