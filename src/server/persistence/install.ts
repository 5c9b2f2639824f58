// Wires persistence into a server: loading the snapshot at start, the `save` schedule, and saving
// on shutdown. SEED: no-ops until the persistence owner fills them in.

import type { Server } from '../server.js';

/** Loads `dir/dbfilename` if it exists. Throws with a clear message when the file is corrupt. */
export async function loadDataOnStartup(server: Server): Promise<void> {
  void server;
}

/** Registers the `save <seconds> <changes>` schedule with the server cron. */
export function installPersistence(server: Server): void {
  void server;
}

/** Saves synchronously-to-completion before exit when save points are configured or forced. */
export async function saveBeforeShutdown(server: Server, force: boolean | undefined): Promise<boolean> {
  void server;
  void force;
  return true;
}

/** DEBUG RELOAD: save the dataset, flush it, load it back (Redis debug.c). */
export function debugReload(server: Server): void {
  void server;
}
