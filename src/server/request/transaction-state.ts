// A client's MULTI state as the request path sees it: leaving a transaction, and the flags of its
// queue (Redis multi.c keeps mstate.cmd_flags / cmd_inv_flags for processCommand's EXEC checks).

import type { Client } from '../clients/client.js';
import type { Server } from '../server.js';

/** Leaves MULTI state and forgets WATCHed keys (Redis discardTransaction). */
export function discardTransaction(server: Server, client: Client): void {
  client.multi = null;
  client.multiError = false;
  server.unwatchAll(client);
}
