// CLIENT TRACKING, CACHING, GETREDIR, TRACKINGINFO (Redis 7.0 networking.c clientCommand, with the
// prefix checks of tracking.c checkPrefixCollisionsOrReply). The tables and the invalidations are
// clients/tracking/; these handlers check the options and switch a client's mode.

import { ErrorReply, MapReply, OK, RawReply, SetReply, type Reply } from '../../../shared/resp/reply.js';
import { is, parseInteger } from '../../base/args.js';
import { ERR_NOT_INTEGER, ERR_SYNTAX } from '../../base/errors.js';
import type { CommandContext } from '../../base/command-spec.js';
import { byteOrder, trackingFlagNames, type TrackingOptions } from '../../clients/tracking/client-tracking.js';

const SWITCH_MODE_TAIL = 'before disabling tracking for this client, and then re-enabling it with a different mode.';
const NO_OVERLAP = 'Prefixes for a single client must not overlap.';

/** Redis stringCheckPrefix: one is a prefix of the other. */
function overlaps(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/**
 * A new prefix may not overlap one the client has, nor another new one (checkPrefixCollisionsOrReply).
 * `carryOn`: Redis 7.0 answers the error and still enables tracking (then answers +OK too) when the
 * overlap is between two new prefixes and the first of them is not the first given, since it
 * returns that prefix's index, which its caller takes for success. Clients see both replies.
 */
function prefixCollision(existing: Iterable<string>, prefixes: readonly string[]): { error: ErrorReply; carryOn: boolean } | undefined {
  const had = [...existing].sort(byteOrder);
  for (let i = 0; i < prefixes.length; i++) {
    const prefix = prefixes[i]!;
    const old = had.find((p) => overlaps(p, prefix));
    if (old !== undefined) return { error: new ErrorReply(`ERR Prefix '${prefix}' overlaps with an existing prefix '${old}'. ${NO_OVERLAP}`), carryOn: false };
    for (let j = i + 1; j < prefixes.length; j++) {
      if (!overlaps(prefix, prefixes[j]!)) continue;
      return { error: new ErrorReply(`ERR Prefix '${prefix}' overlaps with another provided prefix '${prefixes[j]}'. ${NO_OVERLAP}`), carryOn: i > 0 };
    }
  }
  return undefined;
}

/** CLIENT TRACKING on|off [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP]. */
export function clientTracking(ctx: CommandContext, args: string[]): Reply {
  const { server, client } = ctx;
  const options: TrackingOptions = { bcast: false, optin: false, optout: false, noloop: false };
  const prefixes: string[] = [];
  let redirect = 0;
  // Options first, in order: a syntax error or a bad REDIRECT wins over ON/OFF's own checks.
  for (let j = 3; j < args.length; j++) {
    const more = j < args.length - 1;
    const option = args[j]!;
    if (is(option, 'REDIRECT') && more) {
      j++;
      if (redirect !== 0) return new ErrorReply('ERR A client can only redirect to a single other client');
      const id = parseInteger(args[j]!);
      if (id === null) return ERR_NOT_INTEGER;
      // The target must exist now, even if it may go away later (then the redirect is broken).
      if (!server.clients.has(id)) return new ErrorReply('ERR The client ID you want redirect to does not exist');
      redirect = id;
    } else if (is(option, 'BCAST')) options.bcast = true;
    else if (is(option, 'OPTIN')) options.optin = true;
    else if (is(option, 'OPTOUT')) options.optout = true;
    else if (is(option, 'NOLOOP')) options.noloop = true;
    else if (is(option, 'PREFIX') && more) prefixes.push(args[++j]!);
    else return ERR_SYNTAX;
  }
  if (is(args[2], 'OFF')) {
    server.tracking.disable(client);
    return OK;
  }
  if (!is(args[2], 'ON')) return ERR_SYNTAX;
  if (!options.bcast && prefixes.length > 0) return new ErrorReply('ERR PREFIX option requires BCAST mode to be enabled');
  const current = client.tracking;
  if (current !== null && current.bcast !== options.bcast) return new ErrorReply(`ERR You can't switch BCAST mode on/off ${SWITCH_MODE_TAIL}`);
  if (options.bcast && (options.optin || options.optout)) return new ErrorReply('ERR OPTIN and OPTOUT are not compatible with BCAST');
  if (options.optin && options.optout) return new ErrorReply("ERR You can't specify both OPTIN mode and OPTOUT mode");
  if (current !== null && ((options.optin && current.optout) || (options.optout && current.optin))) {
    return new ErrorReply(`ERR You can't switch OPTIN/OPTOUT mode ${SWITCH_MODE_TAIL}`);
  }
  const collision = options.bcast ? prefixCollision(current?.prefixes ?? [], prefixes) : undefined;
  if (collision && !collision.carryOn) return collision.error;
  server.tracking.enable(client, redirect, options, prefixes);
  if (!collision) return OK;
  // The error, counted as Redis's addReplyError counts it, then the +OK of the enabled tracking.
  server.stats.recordError(collision.error.message);
  return new RawReply(`-${collision.error.message}\r\n+OK\r\n`);
}

/** CLIENT CACHING yes|no: the next command (or transaction) is cached in OPTIN, not cached in OPTOUT. */
export function clientCaching(ctx: CommandContext, args: string[]): Reply {
  const tracking = ctx.client.tracking;
  if (tracking === null) {
    return new ErrorReply('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
  }
  if (is(args[2], 'YES')) {
    if (!tracking.optin) return new ErrorReply('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
  } else if (is(args[2], 'NO')) {
    if (!tracking.optout) return new ErrorReply('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
  } else {
    return ERR_SYNTAX;
  }
  tracking.caching = true;
  return OK;
}

/** CLIENT GETREDIR: the REDIRECT target, 0 without one, -1 when tracking is off. */
export function clientGetRedir(ctx: CommandContext): Reply {
  return ctx.client.tracking === null ? -1 : ctx.client.tracking.redirect;
}

/** CLIENT TRACKINGINFO: flags (a set in RESP3), redirect, prefixes in byte order. */
export function clientTrackingInfo(ctx: CommandContext): Reply {
  const tracking = ctx.client.tracking;
  return new MapReply([
    'flags',
    new SetReply(trackingFlagNames(tracking)),
    'redirect',
    tracking === null ? -1 : tracking.redirect,
    'prefixes',
    tracking === null ? [] : [...tracking.prefixes].sort(byteOrder),
  ]);
}
