// Write replies held back until something vouches for the write: the queue confirmed replies
// (confirm-hold.ts, under our sentinels) and cluster-confirm-writes (cluster/confirm-writes.ts)
// share. A held reply keeps its place in its client's output (ReplySlot), so what the client
// pipelined behind the write still runs but its replies stay behind this one; a sink that cannot
// reserve a place blocks the client instead. Replies are answered from the front, in hold order.

import { NO_REPLY, type NoReply, type Reply } from '../../shared/resp/reply.js';
import type { Client, ReplySlot } from '../clients/client.js';
import type { Server } from '../server.js';

interface Entry<T> {
  client: Client;
  reply: Reply;
  /** Where the reply goes in the client's output; null: the client is blocked until then instead. */
  slot: ReplySlot | null;
  meta: T;
}

export class HeldReplies<T> {
  private readonly entries: Entry<T>[] = [];
  /** Replies held since boot. */
  total = 0;

  constructor(private readonly server: Server) {}

  get size(): number {
    return this.entries.length;
  }

  /** The oldest held reply's data, if any. */
  first(): T | undefined {
    return this.entries[0]?.meta;
  }

  /** Holds `reply` to `client` with `meta` (what decides its release). */
  hold(client: Client, reply: Reply, meta: T): NoReply {
    const slot = client.sink.reserveReply?.() ?? null;
    if (!slot) client.blocked = { keys: [], deadline: 0, retry: () => undefined, timeoutReply: 0 };
    this.entries.push({ client, reply, slot, meta });
    this.total++;
    return NO_REPLY;
  }

  /**
   * Answers held replies from the front while `decide` gives an answer for them (the held reply
   * itself to answer it as it was, or another one); stops at the first it returns null for.
   */
  releaseWhile(decide: (meta: T, reply: Reply) => Reply | null): number {
    let released = 0;
    while (this.entries.length > 0) {
      const entry = this.entries[0]!;
      const answer = decide(entry.meta, entry.reply);
      if (answer === null) break;
      this.entries.shift();
      this.answer(entry, answer);
      released++;
    }
    return released;
  }

  /** Fills the reply's place in the client's output, or unblocks the client with it. */
  private answer({ client, slot }: Entry<T>, answer: Reply): void {
    if (!this.server.clients.has(client.id)) return;
    if (slot) {
      slot.fill(answer);
      return;
    }
    client.blocked = null;
    client.sink.push(answer);
    client.sink.resume();
  }
}
