// The server/admin command family: INFO, CONFIG, CLIENT, COMMAND, DEBUG and the whole-dataset and
// process commands. Each lives in its own module; this file only gathers their table entries.

import type { CommandSpec } from '../../base/command-spec.js';
import { infoCommands } from './info.js';
import { configCommands } from './config-command.js';
import { clientCommands } from '../connection/client-command.js';
import { commandCommands } from './command-command.js';
import { debugCommands } from './debug/debug.js';
import { dbAdminCommands } from '../keys/db-admin.js';
import { monitorCommands } from './monitor.js';
import { slowlogCommands } from './slowlog.js';
import { latencyCommands } from './latency.js';
import { memoryCommands } from './memory.js';
import { lolwutCommands } from './lolwut/lolwut.js';

export const serverCommands: CommandSpec[] = [
  ...infoCommands,
  ...configCommands,
  ...clientCommands,
  ...commandCommands,
  ...debugCommands,
  ...dbAdminCommands,
  ...monitorCommands,
  ...slowlogCommands,
  ...latencyCommands,
  ...memoryCommands,
  ...lolwutCommands,
];
