// Replication IDs and offsets of this node (protocol doc 3.3): replid names the history this node's
// stream belongs to; replid2 + second_repl_offset remember the previous history after a promotion
// or a partial resync with a new master id, so replicas of the old history can still continue.

import { randomBytes } from 'node:crypto';
import type { ReplicationIdentity } from './psync-decision.js';

export const NULL_REPLID = '0'.repeat(40);

export function newReplid(): string {
  return randomBytes(20).toString('hex');
}

export class Identity implements ReplicationIdentity {
  replid = newReplid();
  replid2 = NULL_REPLID;
  secondReplOffset = -1;
  /** Bytes of stream produced (master) or processed (replica). */
  masterReplOffset = 0;

  /** A new history starts here; the old one stays valid up to this offset (promotion, shiftReplicationId). */
  shift(): void {
    this.replid2 = this.replid;
    this.secondReplOffset = this.masterReplOffset + 1;
    this.replid = newReplid();
  }

  /** Forget the previous history (first backlog, backlog freed after repl-backlog-ttl). */
  reset(): void {
    this.replid = newReplid();
    this.clearSecond();
  }

  clearSecond(): void {
    this.replid2 = NULL_REPLID;
    this.secondReplOffset = -1;
  }

  /** Adopt the master's history after a full sync from it. */
  adopt(replid: string, offset: number): void {
    this.replid = replid;
    this.masterReplOffset = offset;
    this.clearSecond();
  }

  /** +CONTINUE <newid> with a different id: the old id becomes replid2 (protocol doc 1.3). */
  continueWith(replid: string): void {
    if (replid === this.replid) return;
    this.replid2 = this.replid;
    this.secondReplOffset = this.masterReplOffset + 1;
    this.replid = replid;
  }
}
