// The scripting family: EVAL / EVALSHA (and _RO), SCRIPT, FUNCTION, FCALL (and _RO), with the
// flags and key positions COMMAND INFO shows on redis-server 7.0 (keys are movable: numkeys).

import { command, type CommandFlag, type CommandSpec } from '../../base/command-spec.js';
import { evalCommand, evalFlagsFor, evalRoCommand, evalShaCommand, evalShaRoCommand } from './eval.js';
import { fcallCommand, fcallFlagsFor, fcallRoCommand } from './fcall.js';
import { functionCommandSpec } from './function-command.js';
import { scriptCommandSpec } from './script-command.js';

const EVAL_FLAGS: CommandFlag[] = ['noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys'];
const EVAL_RO_FLAGS: CommandFlag[] = ['readonly', ...EVAL_FLAGS];

function scripted(name: string, flags: CommandFlag[], handler: CommandSpec['handler'], summary: string, flagsFor: CommandSpec['flagsFor']): CommandSpec {
  return command(name, -3, flags, handler, undefined, { summary, flagsFor });
}

export const scriptingCommands: CommandSpec[] = [
  scripted('eval', EVAL_FLAGS, evalCommand, 'Execute a Lua script server side', evalFlagsFor(EVAL_FLAGS, false)),
  scripted('eval_ro', EVAL_RO_FLAGS, evalRoCommand, 'Execute a read-only Lua script server side', evalFlagsFor(EVAL_RO_FLAGS, false)),
  scripted('evalsha', EVAL_FLAGS, evalShaCommand, 'Execute a Lua script server side', evalFlagsFor(EVAL_FLAGS, true)),
  scripted('evalsha_ro', EVAL_RO_FLAGS, evalShaRoCommand, 'Execute a read-only Lua script server side', evalFlagsFor(EVAL_RO_FLAGS, true)),
  scripted('fcall', EVAL_FLAGS, fcallCommand, 'Invoke a function', fcallFlagsFor(EVAL_FLAGS)),
  scripted('fcall_ro', EVAL_RO_FLAGS, fcallRoCommand, 'Invoke a read-only function', fcallFlagsFor(EVAL_RO_FLAGS)),
  scriptCommandSpec,
  functionCommandSpec,
];
