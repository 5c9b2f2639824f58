// Instance addresses as Redis 7.0 Sentinel keeps them (sentinelAddr): the host name as given, the
// IP it resolved to, and the port. With `resolve-hostnames no` (the default) only IP literals are
// accepted and both are the same; with `yes` names are resolved (by the shell's resolver, injected:
// the core does no I/O) and compared by IP or, failing that, by name. `announce-hostnames` decides
// which of the two the sentinel shows: in events, hellos, replies, the config file and SLAVEOF.

import type { CoreContext } from './context.js';

export interface Address {
  host: string;
  /** The resolved IP; '' when a name could not be resolved (accepted with resolve-hostnames yes). */
  ip: string;
  port: number;
}

/** Resolves names for the core; null when `host` cannot be resolved. */
export type Resolver = (host: string) => string | null;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** An IPv4 or IPv6 literal (what ANET_IP_ONLY accepts). */
export function isIpLiteral(host: string): boolean {
  if (IPV4.test(host)) return true;
  return host.includes(':') && /^[0-9a-fA-F:.]+$/.test(host) && (host.match(/::/g) ?? []).length <= 1;
}

/** anetResolve: a literal is itself; a name resolves only when resolve-hostnames is on. */
export function resolveHost(ctx: Pick<CoreContext, 'settings' | 'resolve'>, host: string): string | null {
  if (isIpLiteral(host)) return host;
  return ctx.settings.resolveHostnames ? ctx.resolve(host) : null;
}

/**
 * createSentinelAddr: null when the address is refused (a name without resolve-hostnames, or a
 * port out of range); with `acceptUnresolved`, a name that does not resolve is kept with ip ''.
 */
export function makeAddress(ctx: Pick<CoreContext, 'settings' | 'resolve'>, host: string, port: number, acceptUnresolved: boolean): Address | null {
  if (port < 0 || port > 65535) return null;
  const ip = resolveHost(ctx, host);
  if (ip === null && !(ctx.settings.resolveHostnames && acceptUnresolved)) return null;
  return { host, ip: ip ?? '', port };
}

/** announceSentinelAddr: the name with announce-hostnames, else the IP (the name while unresolved). */
export function shownHost(ctx: Pick<CoreContext, 'settings'>, address: { host: string; ip: string }): string {
  if (ctx.settings.announceHostnames) return address.host;
  return address.ip || address.host;
}

/** `host:port`, brackets around IPv6 as anetFormatAddr (a replica's name). */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** sentinelAddrOrHostnameEqual: same port, and the same IP or the same name. */
export function sameEndpoint(a: Address, b: Address): boolean {
  return a.port === b.port && ((a.ip !== '' && a.ip === b.ip) || a.host.toLowerCase() === b.host.toLowerCase());
}

/**
 * sentinelAddrEqualsHostname (plus the port): `host` as another instance reports it (INFO
 * master_host, a hello's master address). Resolved, it is compared by IP; unresolvable, by name.
 */
export function matchesHost(ctx: Pick<CoreContext, 'settings' | 'resolve'>, address: Address, host: string, port: number): boolean {
  if (address.port !== port) return false;
  const ip = resolveHost(ctx, host);
  if (ip === null) {
    const own = ctx.settings.resolveHostnames ? address.host : address.ip;
    return own.toLowerCase() === host.toLowerCase();
  }
  return address.ip.toLowerCase() === ip.toLowerCase();
}
