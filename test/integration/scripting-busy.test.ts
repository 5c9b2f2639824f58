// A script past busy-reply-threshold, with real clients, on our node and on redis-server 7.0 side
// by side: other clients get -BUSY (worded for EVAL or FCALL), FUNCTION STATS reports the running
// function, SCRIPT KILL / FUNCTION KILL stop a script that has not written, UNKILLABLE once it has,
// SHUTDOWN without NOSAVE is refused and SHUTDOWN NOSAVE ends the server.

import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { hasRedis, startNode, type NodeProcess, type Engine } from '../helpers/processes.js';

const THRESHOLD_MS = 150;
const LOOP = 'local i = 0 while true do i = i + 1 end';
const FUNCTIONS = "#!lua name=busy\nredis.register_function('spin', function() local i = 0 while true do i = i + 1 end end)";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function attempt(promise: Promise<unknown>): Promise<unknown> {
  try {
    return await promise;
  } catch (error) {
    return { error: (error as Error).message };
  }
}

interface Scenario {
  node: NodeProcess;
  caller: Redis;
  other: Redis;
}

async function open(engine: Engine): Promise<Scenario> {
  const node = await startNode({ engine, config: { 'busy-reply-threshold': String(THRESHOLD_MS) } });
  const caller = node.client();
  const other = node.client();
  // Both connections must be ready first: a client library's handshake (INFO) sent while the
  // script is busy would get -BUSY too, on either server.
  await Promise.all([caller.ping(), other.ping()]);
  return { node, caller, other };
}

/** Starts `cmd` on the caller, waits past the threshold, then runs `probe` on another client. */
async function whileBusy(s: Scenario, cmd: string[], probe: (other: Redis) => Promise<unknown[]>): Promise<{ probes: unknown[]; reply: Promise<unknown> }> {
  const reply = attempt(s.caller.call(cmd[0]!, ...cmd.slice(1)));
  await sleep(THRESHOLD_MS * 3);
  const probes = await probe(s.other);
  return { probes, reply };
}

async function busyStory(engine: Engine): Promise<unknown[]> {
  const s = await open(engine);
  const out: unknown[] = [];
  try {
    const first = await whileBusy(s, ['EVAL', LOOP, '0'], async (o) => [
      await attempt(o.call('PING')),
      await attempt(o.call('GET', 'x')),
      await attempt(o.call('FUNCTION', 'STATS')),
      await attempt(o.call('FUNCTION', 'KILL')),
      await attempt(o.call('SHUTDOWN')),
      await attempt(o.call('SCRIPT', 'KILL')),
    ]);
    out.push(first.probes, await first.reply, await attempt(s.other.call('PING')));
    await s.caller.call('FUNCTION', 'LOAD', FUNCTIONS);
    const second = await whileBusy(s, ['FCALL', 'spin', '0'], async (o) => {
      const stats = (await attempt(o.call('FUNCTION', 'STATS'))) as unknown[];
      const running = stats[1] as unknown[];
      return [await attempt(o.call('SET', 'x', '1')), running.slice(0, 4), await attempt(o.call('SCRIPT', 'KILL')), await attempt(o.call('FUNCTION', 'KILL'))];
    });
    out.push(second.probes, await second.reply);
    const third = await whileBusy(s, ['EVAL', `redis.call('set', 'w', '1') ${LOOP}`, '0'], async (o) => [
      await attempt(o.call('SCRIPT', 'KILL')),
      await attempt(o.call('MULTI')),
      await attempt(o.call('GET', 'w')),
      await attempt(o.call('EXEC')),
    ]);
    out.push(third.probes);
    await attempt(s.other.call('SHUTDOWN', 'NOSAVE'));
    out.push(await s.node.waitExit().then(() => 'exited'));
    void third.reply;
  } finally {
    s.caller.disconnect();
    s.other.disconnect();
    await s.node.stop();
  }
  return out;
}

describe.skipIf(!hasRedis())('busy scripts: BUSY, SCRIPT KILL, FUNCTION KILL, UNKILLABLE, SHUTDOWN NOSAVE', () => {
  it('behaves as redis-server 7.0 does, reply for reply', async () => {
    const [ours, theirs] = await Promise.all([busyStory('builtin'), busyStory('redis')]);
    expect(ours).toEqual(theirs);
    // And it is the behaviour we mean (not two servers agreeing on something else).
    expect(JSON.stringify(ours)).toContain('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
    expect(JSON.stringify(ours)).toContain('BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.');
    expect(JSON.stringify(ours)).toContain('UNKILLABLE Sorry the script already executed write commands');
    expect(ours[ours.length - 1]).toBe('exited');
  }, 60_000);
});
