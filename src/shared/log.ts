// Log lines in Redis's format (`pid:role dd Mon yyyy hh:mm:ss.mmm <level> message`), to a file or
// stdout, so tools that read redis-server logs read ours too.

import { appendFileSync } from 'node:fs';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

const LEVEL_ORDER: Record<LogLevel | 'nothing', number> = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 };
const LEVEL_MARK: Record<LogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export class Logger {
  /** Role letter: M master, S replica, X sentinel, C child. */
  role = 'M';

  constructor(
    private readonly file: string | undefined,
    public level: LogLevel | 'nothing' = 'notice',
  ) {}

  debug(message: string): void {
    this.write('debug', message);
  }
  verbose(message: string): void {
    this.write('verbose', message);
  }
  notice(message: string): void {
    this.write('notice', message);
  }
  warning(message: string): void {
    this.write('warning', message);
  }

  private write(level: LogLevel, message: string): void {
    if (LEVEL_ORDER[level] < LEVEL_ORDER[this.level]) return;
    const line = `${process.pid}:${this.role} ${timestamp(new Date())} ${LEVEL_MARK[level]} ${message}\n`;
    if (this.file) {
      try {
        appendFileSync(this.file, line);
        return;
      } catch {
        // Fall back to stdout: losing the log must not stop the server.
      }
    }
    process.stdout.write(line);
  }
}

function timestamp(d: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
  );
}
