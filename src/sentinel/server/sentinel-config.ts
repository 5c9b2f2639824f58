// SENTINEL CONFIG GET <pattern> / SET <option> <value> (Redis 7.0 sentinelConfigGetCommand /
// sentinelConfigSetCommand): the sentinel-wide settings, persisted at once; a GET pattern is a glob
// matched without case, and answers a map in Redis's fixed order.

import { globMatch } from '../../shared/glob.js';
import { ErrorReply, MapReply, OK, type Reply } from '../../shared/resp/reply.js';
import type { GlobalSettings } from '../core/types.js';
import type { CommandContext } from './host.js';
import { parseInteger, SAVE_FAILED } from './sentinel-replies.js';

/** The parameters, in the order CONFIG GET lists them, and how each reads. */
const PARAMETERS: readonly (readonly [string, (s: GlobalSettings) => string | number])[] = [
  ['resolve-hostnames', (s) => (s.resolveHostnames ? 'yes' : 'no')],
  ['announce-hostnames', (s) => (s.announceHostnames ? 'yes' : 'no')],
  ['announce-ip', (s) => s.announceIp ?? ''],
  ['announce-port', (s) => s.announcePort],
  ['sentinel-user', (s) => s.sentinelUser ?? ''],
  ['sentinel-pass', (s) => s.sentinelPass ?? ''],
];

export function sentinelConfig(ctx: CommandContext, args: string[]): Reply {
  const sub = args[2]!.toLowerCase();
  if (sub === 'set' && args.length === 5) return configSet(ctx, args[3]!, args[4]!);
  if (sub === 'get' && args.length === 4) return configGet(ctx, args[3]!);
  return new ErrorReply('ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.');
}

function configGet({ host }: CommandContext, pattern: string): Reply {
  const out: (string | number)[] = [];
  for (const [name, read] of PARAMETERS) {
    if (globMatch(pattern, name, true)) out.push(name, String(read(host.core.settings)));
  }
  return new MapReply(out);
}

function configSet({ host }: CommandContext, option: string, value: string): Reply {
  const s = host.core.settings;
  const badValue = new ErrorReply(`ERR Invalid value '${value}' to SENTINEL CONFIG SET '${option}'`);
  let dropSentinelLinks = false;
  switch (option.toLowerCase()) {
    case 'resolve-hostnames':
    case 'announce-hostnames': {
      const yes = value.toLowerCase() === 'yes' ? true : value.toLowerCase() === 'no' ? false : null;
      if (yes === null) return badValue;
      if (option.toLowerCase() === 'resolve-hostnames') s.resolveHostnames = yes;
      else s.announceHostnames = yes;
      break;
    }
    case 'announce-ip':
      // Redis keeps an empty string as set (its hellos then carry an empty address).
      s.announceIp = value;
      break;
    case 'announce-port': {
      const port = parseInteger(value);
      if (port === null || port < 0 || port > 65535) return badValue;
      s.announcePort = port;
      break;
    }
    case 'sentinel-user':
      s.sentinelUser = value === '' ? null : value;
      dropSentinelLinks = true;
      break;
    case 'sentinel-pass':
      s.sentinelPass = value === '' ? null : value;
      dropSentinelLinks = true;
      break;
    default:
      return new ErrorReply(`ERR Invalid argument '${option}' to SENTINEL CONFIG SET`);
  }
  const saved = host.saveConfig();
  // New credentials: the links to the other sentinels reconnect with them (sentinelDropConnections).
  if (dropSentinelLinks) host.dropLinks((instance) => instance.kind === 'sentinel');
  return saved ? OK : SAVE_FAILED;
}
