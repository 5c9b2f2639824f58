// Sentinels announce themselves with PUBLISH __sentinel__:hello on every node they monitor
// (protocol doc 7.3). PUBLISH is propagated like a write, so the features that learn from hellos
// (fencing: who monitors us and which master they name; faults: where each sentinel listens)
// observe them on the propagation path instead of wrapping the PUBLISH handler.

import { HELLO_CHANNEL } from '../../shared/fencing-contract.js';
import type { PropagationObserver } from './request-path.js';

/**
 * One observer that hands the payload of every hello, as it is propagated, to each of `handlers`
 * (one pass over the unit for all of them: every write goes through here).
 */
export function helloObserver(...handlers: ((payload: string) => void)[]): PropagationObserver {
  return {
    propagate(_dbId, commands) {
      for (const args of commands) {
        if (args.length !== 3 || args[1] !== HELLO_CHANNEL || args[0]!.toLowerCase() !== 'publish') continue;
        for (const handler of handlers) handler(args[2]!);
      }
    },
  };
}
