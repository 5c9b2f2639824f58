// What the core's step functions need from the core: the time of the current step, identity, the
// epoch, the sentinel-wide settings and timings, and ways to emit events, request I/O and mark the
// persisted state dirty. Keeping this an interface lets each step module stay a set of plain functions.

import type { Resolver } from './address.js';
import type { ScriptQueue } from './scripts.js';
import type { Timings } from './timings.js';
import type { Action, EventLevel, GlobalSettings, Instance, MasterInstance } from './types.js';

export interface CoreContext {
  /** Milliseconds; the time of the step being processed (a fake clock in tests). */
  readonly now: number;
  readonly myid: string;
  currentEpoch: number;
  readonly tilt: boolean;
  readonly masters: Map<string, MasterInstance>;
  readonly settings: GlobalSettings;
  readonly timings: Timings;
  /** SENTINEL SIMULATE-FAILURE flags (crash-after-election = 1, crash-after-promotion = 2). */
  readonly simFailure: number;
  readonly scripts: ScriptQueue;
  /** Resolves host names (used only with resolve-hostnames yes). */
  readonly resolve: Resolver;
  /** Uniform in [0, 1): injected so scenario tests are deterministic. */
  random(): number;
  nextId(): number;
  /**
   * Emits an event. With `subject`, the message starts with its `%@` description unless `bare`
   * (Redis passes the master without `%@` for +new-epoch, +vote-for-leader, +switch-master): a
   * warning about a subject runs its master's notification-script either way.
   */
  event(level: EventLevel, channel: string, subject: Instance | null, extra?: string, bare?: boolean): void;
  send(action: Action): void;
  /** A log line that is not an event (not published). */
  log(level: EventLevel, message: string): void;
  /** Marks the persisted state dirty: the shell rewrites the config file before replying to anyone. */
  save(): void;
  /** SENTINEL SIMULATE-FAILURE: stop here (the shell exits at once). */
  crash(): void;
}
