// Receiving hello messages (Redis 7.0 sentinelProcessHelloMessage, protocol doc 7.3): sentinel
// discovery, address switches, epoch adoption, and config updates that move a master's address.

import { makeAddress, matchesHost, sameEndpoint, shownHost } from './address.js';
import type { CoreContext } from './context.js';
import { EV } from './events.js';
import { addSentinel, changeMasterAddress } from './instances.js';
import type { Instance, MasterInstance } from './types.js';
import { clientReconfig } from './user-scripts.js';

export interface Hello {
  ip: string;
  port: number;
  runId: string;
  currentEpoch: number;
  masterName: string;
  masterIp: string;
  masterPort: number;
  masterConfigEpoch: number;
}

/** Exactly 8 comma-separated tokens, numbers where numbers belong; anything else is ignored. */
export function parseHello(payload: string): Hello | null {
  const tokens = payload.split(',');
  if (tokens.length !== 8) return null;
  const [ip, port, runId, epoch, masterName, masterIp, masterPort, configEpoch] = tokens as [string, string, string, string, string, string, string, string];
  const numbers = [port, epoch, masterPort, configEpoch].map((t) => (/^\d+$/.test(t) ? Number(t) : NaN));
  if (numbers.some((n) => Number.isNaN(n))) return null;
  return {
    ip,
    port: numbers[0]!,
    runId,
    currentEpoch: numbers[1]!,
    masterName,
    masterIp,
    masterPort: numbers[2]!,
    masterConfigEpoch: numbers[3]!,
  };
}

export function processHello(ctx: CoreContext, payload: string): void {
  const hello = parseHello(payload);
  if (!hello || hello.runId.toLowerCase() === ctx.myid.toLowerCase()) return;
  let master = ctx.masters.get(hello.masterName);
  if (!master) return;
  let peer: Instance | null = findSentinel(ctx, master, hello.ip, hello.port, hello.runId) ?? null;
  if (!peer) peer = learnSentinel(ctx, master, hello);
  if (hello.currentEpoch > ctx.currentEpoch) {
    ctx.currentEpoch = hello.currentEpoch;
    ctx.save();
    ctx.event('warning', EV.newEpoch, master, String(hello.currentEpoch), true);
  }
  if (peer && master.configEpoch < hello.masterConfigEpoch) {
    master.configEpoch = hello.masterConfigEpoch;
    ctx.save();
    if (!matchesHost(ctx, master, hello.masterIp, hello.masterPort)) {
      ctx.event('warning', EV.configUpdateFrom, peer);
      const text = `${master.name} ${shownHost(ctx, master)} ${master.port} ${hello.masterIp} ${hello.masterPort}`;
      ctx.event('warning', EV.switchMaster, master, text, true);
      const old = { host: master.host, ip: master.ip, port: master.port };
      const moved = changeMasterAddress(ctx, master, hello.masterIp, hello.masterPort);
      if (moved) {
        clientReconfig(ctx, moved, 'observer', old, moved);
        master = moved;
        peer = master.sentinels.get(hello.runId) ?? null;
      }
    }
  }
  if (peer) peer.lastHelloTime = ctx.now;
}

/** A known sentinel at that address (and with that run id, unless null). */
function findSentinel(ctx: CoreContext, master: MasterInstance, ip: string, port: number, runId: string | null): Instance | undefined {
  const address = makeAddress(ctx, ip, port, true);
  if (!address) return undefined;
  for (const sentinel of master.sentinels.values()) {
    if (!sameEndpoint(sentinel, address)) continue;
    if (runId === null || sentinel.name === runId) return sentinel;
  }
  return undefined;
}

/** A sentinel not known at that address with that run id: add it, replacing stale records. */
function learnSentinel(ctx: CoreContext, master: MasterInstance, hello: Hello): Instance | null {
  // Same run id at a new address: it moved. The old record goes, in every master (+sentinel-address-switch).
  const moved = master.sentinels.get(hello.runId);
  if (moved) {
    for (const other of ctx.masters.values()) {
      const record = other.sentinels.get(hello.runId);
      if (!record) continue;
      other.sentinels.delete(hello.runId);
      if (other !== master) addSentinel(ctx, other, hello.runId, hello.ip, hello.port);
    }
    ctx.event('notice', EV.sentinelAddressSwitch, master, `ip ${hello.ip} port ${hello.port} for ${hello.runId}`);
  } else {
    // Another run id at that address: that sentinel restarted with a new identity; it goes from every master.
    const stale = findSentinel(ctx, master, hello.ip, hello.port, null);
    if (stale) {
      ctx.event('notice', EV.sentinelInvalidAddr, stale);
      for (const other of ctx.masters.values()) other.sentinels.delete(stale.name);
    }
  }
  const peer = addSentinel(ctx, master, hello.runId, hello.ip, hello.port);
  if (peer && !moved) ctx.event('notice', EV.sentinel, peer);
  ctx.save();
  return peer;
}
