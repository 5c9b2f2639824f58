// What the core's step functions need from the core: the time of the current step, identity, the
// epoch, and ways to emit events, request I/O and mark the persisted state dirty. Keeping this an
// interface lets each step module stay a set of plain functions.

import type { Action, EventLevel, Instance, MasterInstance } from './types.js';

export interface CoreContext {
  /** Milliseconds; the time of the step being processed (a fake clock in tests). */
  readonly now: number;
  readonly myid: string;
  currentEpoch: number;
  readonly tilt: boolean;
  readonly masters: Map<string, MasterInstance>;
  /** What hellos announce: ip (null = each link's local address) and port. */
  readonly announce: { ip: string | null; port: number };
  /** Uniform in [0, 1): injected so scenario tests are deterministic. */
  random(): number;
  nextId(): number;
  /** Emits an event; with an instance the message starts with its `%@` description. */
  event(level: EventLevel, channel: string, instance: Instance | null, extra?: string): void;
  send(action: Action): void;
  /** A log line that is not an event (not published). */
  log(level: EventLevel, message: string): void;
  /** Marks the persisted state dirty: the shell rewrites the config file before replying to anyone. */
  save(): void;
}
