// BGREWRITEAOF (Redis aof.c bgrewriteaofCommand): starts the rewrite now, or schedules it while a
// BGSAVE runs or inside EXEC (one background job at a time, as Redis's single child process).

import { ErrorReply, SimpleString, type Reply } from '../../../shared/resp/reply.js';
import { aofState } from '../../persistence/aof/state.js';
import { startRewrite } from '../../persistence/aof/rewrite.js';
import { persistenceState } from '../../persistence/state.js';
import { command, type CommandContext, type CommandSpec } from '../../base/command-spec.js';

const ERR_IN_PROGRESS = new ErrorReply('ERR Background append only file rewriting already in progress');
const ERR_CANT = new ErrorReply(
  "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.",
);

function bgrewriteaof(ctx: CommandContext): Reply {
  const server = ctx.server;
  const state = aofState(server);
  if (state.rewrite) return ERR_IN_PROGRESS;
  // Inside EXEC the client's queue is running (Redis server.in_exec).
  if (persistenceState(server).bgsave || ctx.client.multi !== null) {
    state.rewriteScheduled = true;
    // A manual rewrite lifts the back-off of failed automatic ones (aofRewriteLimited).
    state.consecutiveFailures = 0;
    return new SimpleString('Background append only file rewriting scheduled');
  }
  if (startRewrite(server) === 'started') return new SimpleString('Background append only file rewriting started');
  return ERR_CANT;
}

export const aofCommands: CommandSpec[] = [
  command('bgrewriteaof', 1, ['admin', 'noscript'], bgrewriteaof, undefined, {
    summary: 'Asynchronously rewrite the append-only file',
  }),
];
