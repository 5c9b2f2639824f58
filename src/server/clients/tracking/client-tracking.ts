// One client's CLIENT TRACKING state (Redis keeps it as CLIENT_TRACKING_* flags, the redirection id
// and the BCAST prefixes in struct client): null on Client.tracking while tracking is off.

export interface TrackingOptions {
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
}

export interface ClientTracking extends TrackingOptions {
  /** The client that receives our invalidations (REDIRECT), 0 for ourselves. */
  redirect: number;
  /** CLIENT CACHING yes (OPTIN) or no (OPTOUT): applies to the next command or transaction only. */
  caching: boolean;
  /** The redirect target went away (flag R, `broken_redirect` in TRACKINGINFO). */
  brokenRedirect: boolean;
  /** BCAST prefixes; '' stands for every key. */
  readonly prefixes: Set<string>;
}

/** The TRACKINGINFO flags, in Redis's order (networking.c clientCommand, "trackinginfo"). */
export function trackingFlagNames(tracking: ClientTracking | null): string[] {
  if (tracking === null) return ['off'];
  const flags = ['on'];
  if (tracking.bcast) flags.push('bcast');
  if (tracking.optin) flags.push('optin');
  if (tracking.optin && tracking.caching) flags.push('caching-yes');
  if (tracking.optout) flags.push('optout');
  if (tracking.optout && tracking.caching) flags.push('caching-no');
  if (tracking.noloop) flags.push('noloop');
  if (tracking.brokenRedirect) flags.push('broken_redirect');
  return flags;
}

/** Byte order of latin1 strings, as Redis's radix trees iterate keys and prefixes. */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
