// What the sentinel's command handlers may use: the core, the pub/sub hub, the connected clients,
// and the shell's services (run the core's actions, save the config, drop links, shut down).

import type { SentinelCore } from '../core/sentinel-core.js';
import type { Instance } from '../core/types.js';
import type { Reply } from '../../shared/resp/reply.js';
import type { NO_REPLY } from '../../shared/resp/reply.js';
import type { ClientConn } from './client-conn.js';
import type { PubSubHub } from './pubsub.js';

export interface SentinelHost {
  readonly core: SentinelCore;
  readonly hub: PubSubHub;
  readonly clients: Map<number, ClientConn>;
  readonly runId: string;
  readonly startedAt: number;
  readonly configPath: string;
  readonly requirepass: string | null;
  /**
   * Carries out what the core asked for (persisting first) — call before replying to a change.
   * False when the config file had to be written and could not be.
   */
  flush(): boolean;
  /** Rewrites the config file now; false when it could not be written. */
  saveConfig(): boolean;
  /** Closes the links to these instances (they reconnect with the new credentials). */
  dropLinks(filter: (instance: Instance) => boolean): void;
  /** access(path, X_OK), for script paths. */
  executable(path: string): boolean;
  shutdown(): void;
  stats: { connectionsReceived: number; commandsProcessed: number };
}

export interface CommandContext {
  host: SentinelHost;
  client: ClientConn;
}

export type Handler = (ctx: CommandContext, args: string[]) => Reply | typeof NO_REPLY;

export interface CommandSpec {
  /** Redis arity: positive = exact, negative = at least |arity|. */
  arity: number;
  handler: Handler;
  /** Allowed before AUTH when a password is set. */
  noAuth?: boolean;
  /** Allowed in RESP2 subscribed context. */
  pubsubContext?: boolean;
}
