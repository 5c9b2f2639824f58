// CLI failures: a message, a suggestion the user can act on, and an exit code scripts can branch on.
// Extends oclif's CLIError so both the human renderer and the --json renderer pick up all three.

import { Errors } from '@oclif/core';

/** Exit codes (documented in docs-cli.md). */
export const EXIT = {
  /** An operation failed (a node did not start, a command was refused). */
  FAILED: 1,
  /** Bad usage or an invalid topology: nothing was started. */
  USAGE: 2,
  /** A port the topology needs is taken by another process. */
  PORT_BUSY: 3,
  /** The cluster (or the named node) is not running / not known. */
  NOT_RUNNING: 4,
  /** A wait or readiness deadline passed. */
  TIMEOUT: 5,
  /** `drill`: an acknowledged write was lost (or replicas disagree with the master); --allow-loss accepts it. */
  LOSS: 6,
  /** `drill`: after the faults were healed, the cluster did not converge (sentinels agreeing, replicas in sync). */
  NOT_CONVERGED: 7,
  /** Interrupted by SIGINT/SIGTERM (128 + 2, as shells report it). */
  INTERRUPTED: 130,
} as const;

export interface CliErrorOptions {
  exit?: number;
  suggestion?: string;
  /** Machine-readable code for --json consumers, e.g. "PORT_BUSY". */
  code?: string;
  /** Extra lines shown under the message (log tails, validation issues). */
  details?: string[];
  /** Structured data added to the --json error. */
  data?: Record<string, unknown>;
}

export class CliError extends Errors.CLIError {
  readonly exitCode: number;
  readonly details: string[];
  readonly data: Record<string, unknown>;

  constructor(message: string, options: CliErrorOptions = {}) {
    const body = options.details?.length ? `${message}\n${options.details.join('\n')}` : message;
    super(body, {
      exit: options.exit ?? EXIT.FAILED,
      code: options.code ?? codeFor(options.exit ?? EXIT.FAILED),
      suggestions: options.suggestion ? [options.suggestion] : undefined,
    });
    this.exitCode = options.exit ?? EXIT.FAILED;
    this.details = options.details ?? [];
    this.data = options.data ?? {};
    // Keep the short message for --json; `body` (with details) is what a person reads.
    this.shortMessage = message;
  }

  shortMessage: string;

  toJSON(): Record<string, unknown> {
    return {
      message: this.shortMessage,
      code: this.code,
      exit: this.exitCode,
      ...(this.suggestions?.length ? { suggestion: this.suggestions[0] } : {}),
      ...(this.details.length ? { details: this.details } : {}),
      ...this.data,
    };
  }
}

function codeFor(exit: number): string {
  const entry = Object.entries(EXIT).find(([, value]) => value === exit);
  return entry ? entry[0] : 'FAILED';
}
