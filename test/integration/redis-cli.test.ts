// redis-cli and redis-benchmark (Debian's 7.0 binaries) against our node: commands as arguments and
// on stdin, --no-raw formatting identical to what a real redis-server produces, and no "Could not
// fetch server CONFIG" warning from redis-benchmark (it reads CONFIG GET save / appendonly).

import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedis, startNode, type NodeProcess } from '../helpers/processes.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a Redis tool to completion with `input` on stdin. */
function runTool(command: string, args: string[], input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const SCRIPT = [
  'FLUSHALL',
  'SET greeting hello',
  'GET greeting',
  'INCR counter',
  'MSET a 1 b 2',
  'MGET a b nope',
  'MULTI',
  'INCR counter',
  'GET counter',
  'EXEC',
  'HGETALL nope',
  'CONFIG GET hz',
  'CLIENT GETNAME',
  'CLIENT SETNAME cli',
  'CLIENT GETNAME',
  'DBSIZE',
  'SELECT 3',
  'DBSIZE',
  'nosuchcommand x',
  'ECHO "quoted value"',
  'PUBSUB NUMSUB ch',
  'COMMAND GETKEYS set k v',
  'FLUSHALL',
].join('\n');

describe.skipIf(!hasRedis())('redis-cli and redis-benchmark against our node', () => {
  let ours: NodeProcess;
  let theirs: NodeProcess;
  beforeAll(async () => {
    [ours, theirs] = await Promise.all([startNode(), startNode({ engine: 'redis' })]);
  });
  afterAll(async () => {
    await Promise.all([ours?.stop(), theirs?.stop()]);
  });

  it('runs commands given as arguments', async () => {
    const port = String(ours.port);
    expect(await runTool('redis-cli', ['-p', port, 'PING'])).toMatchObject({ code: 0, stdout: 'PONG\n' });
    expect((await runTool('redis-cli', ['-p', port, 'SET', 'k', 'v'])).stdout).toBe('OK\n');
    expect((await runTool('redis-cli', ['-p', port, '--no-raw', 'GET', 'k'])).stdout).toBe('"v"\n');
    const info = await runTool('redis-cli', ['-p', port, 'INFO', 'server']);
    expect(info.stdout).toContain(`tcp_port:${port}`);
  });

  it('prints what it prints for redis-server, raw on stdin and with --no-raw', async () => {
    for (const mode of [[], ['--no-raw']]) {
      const [mine, real] = await Promise.all(
        [ours, theirs].map((node) => runTool('redis-cli', ['-p', String(node.port), ...mode], `${SCRIPT}\n`)),
      );
      expect(mine.stderr).toBe('');
      expect(mine.stdout, `redis-cli ${mode.join(' ')}`).toBe(real.stdout);
    }
  });

  it('redis-benchmark reads the server CONFIG without warnings', async () => {
    const run = await runTool('redis-benchmark', ['-p', String(ours.port), '-n', '200', '-c', '2', '-t', 'set,get', '-q']);
    expect(run.code).toBe(0);
    expect(run.stdout + run.stderr).not.toMatch(/Could not fetch server CONFIG/);
    expect(run.stdout).toMatch(/GET: [\d.]+ requests per second/);
  });
});
