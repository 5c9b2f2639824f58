// The CommandContext handed to a handler: the client, its database, the command's time, and the
// ways a handler shapes propagation (rewrite, suppress) or parks its client (block).

import { NO_REPLY, type NoReply, type Reply } from '../../shared/resp/reply.js';
import type { Client } from '../clients/client.js';
import type { BlockRequest, CommandContext } from '../base/command-spec.js';
import type { Db } from '../keyspace/db.js';
import type { Server } from '../server.js';

export class ExecutionContext implements CommandContext {
  /** Commands to propagate instead of the original, or null to propagate it when data changed. */
  rewritten: string[][] | null = null;
  suppressed = false;
  readonly now: number;

  constructor(
    readonly server: Server,
    readonly client: Client,
    readonly db: Db,
  ) {
    this.now = server.now();
  }

  propagateAs(...commands: string[][]): void {
    this.rewritten = [...(this.rewritten ?? []), ...commands];
  }

  suppressPropagation(): void {
    this.suppressed = true;
  }

  block(request: BlockRequest): Reply | NoReply {
    if (this.server.inNestedCall || this.client.multi !== null) {
      return request.deniedReply !== undefined ? request.deniedReply : request.timeoutReply;
    }
    this.server.blocking.block(this.client, this.db, request);
    return NO_REPLY;
  }
}
