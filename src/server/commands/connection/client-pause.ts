// CLIENT PAUSE timeout [WRITE|ALL] / CLIENT UNPAUSE (Redis 7.0): the state and the wait are the
// request room's (request/client-pause.ts); these handlers only parse and start or end a pause.

import { ErrorReply, OK, type Reply } from '../../../shared/resp/reply.js';
import { is, parseInteger } from '../../base/args.js';
import type { CommandContext } from '../../base/command-spec.js';
import { clock } from '../../base/clock.js';
import { pauseClients, unpauseClients } from '../../request/client-pause.js';

export function clientPause(ctx: CommandContext, args: string[]): Reply {
  const timeout = parseInteger(args[2]!);
  if (timeout === null) return new ErrorReply('ERR timeout is not an integer or out of range');
  if (timeout < 0) return new ErrorReply('ERR timeout is negative');
  let all = true;
  if (args.length === 4) {
    if (is(args[3], 'WRITE')) all = false;
    else if (!is(args[3], 'ALL')) return new ErrorReply('ERR CLIENT PAUSE mode must be WRITE or ALL');
  } else if (args.length > 4) {
    return new ErrorReply('ERR syntax error');
  }
  pauseClients(ctx.server, clock.now() + timeout, all);
  return OK;
}

export function clientUnpause(ctx: CommandContext): Reply {
  unpauseClients(ctx.server);
  return OK;
}
