// When the user's scripts run and with which arguments (Redis 7.0 sentinelEvent and
// sentinelCallClientReconfScript); the queue that runs them is scripts.ts.

import { type Address, shownHost } from './address.js';
import type { CoreContext } from './context.js';
import { type EventLevel, type Instance, MasterInstance } from './types.js';

/** A warning-level event about an instance runs its master's notification-script: `<type> <message>`. */
export function notify(ctx: CoreContext, level: EventLevel, channel: string, subject: Instance | null, message: string): void {
  if (level !== 'warning' || !subject) return;
  const master = subject instanceof MasterInstance ? subject : subject.master;
  const script = master?.settings.notificationScript;
  if (script) ctx.scripts.schedule([script, channel, message]);
}

/**
 * A master's address switches (the leader at +promoted-slave, the others at +switch-master learnt
 * from a hello): client-reconfig-script `<name> <leader|observer> start <from-ip> <from-port> <to-ip> <to-port>`.
 */
export function clientReconfig(ctx: CoreContext, master: MasterInstance, role: 'leader' | 'observer', from: Address, to: Address): void {
  const script = master.settings.clientReconfigScript;
  if (!script) return;
  ctx.scripts.schedule([script, master.name, role, 'start', shownHost(ctx, from), String(from.port), shownHost(ctx, to), String(to.port)]);
}
