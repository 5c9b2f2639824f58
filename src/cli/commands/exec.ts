// clusterctl exec NODE -- COMMAND ARGS...: run one command on a node and print the reply.

import { Args } from '@oclif/core';
import { BaseCommand } from '../base.js';
import { CliError, EXIT } from '../errors.js';
import { SELECTOR_HELP } from '../help-text.js';

export interface ExecResult {
  cluster: string;
  node: string;
  port: number;
  command: string[];
  /** The reply as ioredis decodes it: string, number, null, or nested arrays. */
  reply: unknown;
}

export default class Exec extends BaseCommand {
  static override summary = 'Run one command on a node and print the reply.';
  static override examples = ['<%= config.bin %> exec master -- SET greeting hello', '<%= config.bin %> exec replica -- INFO replication', '<%= config.bin %> exec m1 --json -- DBSIZE'];
  static override args = { node: Args.string({ required: true, description: `Which node: ${SELECTOR_HELP}.` }) };
  static override strict = false;

  async run(): Promise<ExecResult> {
    const { args, flags, argv } = await this.parse(Exec);
    const command = (argv as string[]).slice(1);
    if (command.length === 0) {
      throw new CliError('no command given', { exit: EXIT.USAGE, suggestion: 'Write it after --, e.g. clusterctl exec master -- PING' });
    }
    const { state } = this.openCluster(flags);
    const [{ call }, { selectNode }] = await Promise.all([import('../probe/client.js'), import('../cluster/select.js')]);
    const { record } = await selectNode(state, args.node);
    let reply: unknown;
    try {
      reply = await call(record.port, command, { timeoutMs: 5000 });
    } catch (error) {
      const message = (error as Error).message;
      const unreachable = /ECONNREFUSED|timed out|Connection is closed/i.test(message);
      throw new CliError(unreachable ? `${record.name} (port ${record.port}) is not answering: ${message}` : `(error) ${message}`, {
        exit: unreachable ? EXIT.NOT_RUNNING : EXIT.FAILED,
        code: unreachable ? 'NOT_RUNNING' : 'REPLY_ERROR',
        data: { node: record.name },
      });
    }
    this.log(formatReply(reply));
    return { cluster: state.name, node: record.name, port: record.port, command, reply };
  }
}

/** redis-cli's layout: (integer), (nil), (empty array), numbered array items; strings as they are. */
export function formatReply(reply: unknown, indent = ''): string {
  if (reply === null || reply === undefined) return '(nil)';
  if (typeof reply === 'number' || typeof reply === 'bigint') return `(integer) ${reply}`;
  if (Buffer.isBuffer(reply)) return reply.toString('latin1');
  if (!Array.isArray(reply)) return String(reply);
  if (reply.length === 0) return '(empty array)';
  const width = String(reply.length).length;
  return reply
    .map((item, i) => {
      const label = `${String(i + 1).padStart(width)}) `;
      const body = formatReply(item, indent + ' '.repeat(label.length));
      return `${i === 0 ? '' : indent}${label}${body}`;
    })
    .join('\n');
}
