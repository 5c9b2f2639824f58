// A --timeout flag value as milliseconds, or a usage error that says how to write it.

import { CliError, EXIT } from '../errors.js';
import { parseDuration } from './duration.js';

export function durationFlag(text: string, flag = '--timeout'): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new CliError(`${flag} ${text}: not a duration`, { exit: EXIT.USAGE, suggestion: 'Write e.g. 60s, 500ms or 2m.' });
  return ms;
}
