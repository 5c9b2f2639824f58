// Commands of this family are added by their owner; the table entry list starts empty.

import type { CommandSpec } from './types.js';

export const transactionCommands: CommandSpec[] = [];
