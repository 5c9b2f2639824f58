// Sets up the write-safety wing on a master-capable node: self-fencing (fence.ts), confirmation
// rounds and the replies waiting on them (confirm-rounds.ts, confirm-hold.ts), and their cron.
// Its steps in the request path (request-steps.ts, sync-ack.ts) are registered in main.ts.

import type { Replication } from '../replication/replication.js';
import type { Server } from '../server.js';
import { ConfirmHold } from './confirm-hold.js';
import { ConfirmRounds } from './confirm-rounds.js';
import { Fence } from './fence.js';

export interface WriteSafety {
  fence: Fence;
  confirmRounds: ConfirmRounds;
  confirmHold: ConfirmHold;
}

export function installWriteSafety(server: Server, replication: Replication): WriteSafety {
  const fence = new Fence(server);
  const confirmRounds = new ConfirmRounds(server, fence);
  const confirmHold = new ConfirmHold(server, fence, confirmRounds);
  replication.fence = fence;
  replication.confirmRounds = confirmRounds;
  replication.confirmHold = confirmHold;
  server.addCronTask((now) => {
    fence.cron(now);
    confirmHold.release();
  });
  return { fence, confirmRounds, confirmHold };
}

/**
 * At boot, after the role is known: a master that sentinels monitored before this restart begins
 * fenced (fence.ts boot). main.ts has chdir'ed into `dir`, as Redis does: the node's own folder.
 */
export function bootWriteSafety(server: Server, safety: WriteSafety): void {
  const remembered = safety.fence.boot(process.cwd());
  if (safety.fence.fenced) {
    server.log.warning(`Monitored by ${remembered} sentinel(s) before this restart: writes wait until a majority of them confirm this master`);
  }
}
