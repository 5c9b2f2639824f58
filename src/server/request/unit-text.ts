// The RESP text of a propagated command, encoded once per execution unit however many observers
// write it out (the replication stream and the AOF both need the same bytes: Redis 7.0 feeds both
// with the command exactly as propagated, aof.c feedAppendOnlyFile). The server hands every
// observer the same `commands` array for a unit, so a one-entry cache keyed by that array suffices.

import { encodeCommand } from '../../shared/resp/encoder.js';

let lastUnit: readonly (readonly string[])[] | null = null;
let texts: (string | undefined)[] = [];

/** `encodeCommand(unit[i])`, computed once per unit array. */
export function unitCommandText(unit: readonly (readonly string[])[], i: number): string {
  if (unit !== lastUnit) {
    lastUnit = unit;
    texts = [];
  }
  return (texts[i] ??= encodeCommand(unit[i]!));
}
