// Keyspace notifications on a socket-less node: the class string parsed and printed as Redis's
// notify.c does, the directive kept canonical, and notifications published locally only as the
// classes select them (K/E channels, `m` and `n` outside A), with nothing propagated to replicas.

import { describe, expect, it } from 'vitest';
import { connect, makeServer } from '../helpers/unit-server.js';
import { PushReply } from '../../src/shared/resp/reply.js';
import {
  installKeyspaceEvents,
  keyspaceEventsFlagsToString,
  keyspaceEventsStringToFlags,
  NOTIFY_KEY_MISS,
  NOTIFY_NEW,
} from '../../src/server/keyspace/keyspace-events.js';

function node(classes: string) {
  const server = makeServer({ 'notify-keyspace-events': classes });
  installKeyspaceEvents(server.config, server.pubsub);
  const sub = connect(server);
  const main = connect(server);
  sub.run('PSUBSCRIBE', '__key*@*__:*');
  const events = () => sub.pushed.map((push) => (push as PushReply).items.slice(2).join(' '));
  return { server, main, events };
}

describe('the class string', () => {
  it('prints the canonical spelling: A for all of g$lshzxetd, then K, E, m', () => {
    const canonical = (text: string) => keyspaceEventsFlagsToString(keyspaceEventsStringToFlags(text));
    expect(canonical('KEA')).toBe('AKE');
    expect(canonical('Eg$lshzxetd')).toBe('AE');
    expect(canonical('mEgK')).toBe('gKEm');
    expect(canonical('nx')).toBe('xn');
    expect(canonical('')).toBe('');
  });

  it('refuses an unknown character and keeps m and n out of A', () => {
    expect(keyspaceEventsStringToFlags('KEAq')).toBe(-1);
    expect(keyspaceEventsStringToFlags('a')).toBe(-1);
    const all = keyspaceEventsStringToFlags('A');
    expect(all & NOTIFY_KEY_MISS).toBe(0);
    expect(all & NOTIFY_NEW).toBe(0);
  });

  it('is shown canonically by CONFIG GET and re-read on CONFIG SET', () => {
    const { server, main, events } = node('Elg');
    expect(main.wire('CONFIG', 'GET', 'notify-keyspace-events')).toContain('\r\nglE\r\n');
    main.run('SET', 'k', 'v');
    main.run('LPUSH', 'l', 'a');
    expect(events()).toEqual(['__keyevent@0__:lpush l']);
    main.run('CONFIG', 'SET', 'notify-keyspace-events', 'K$');
    main.run('SET', 'k', 'w');
    expect(events().at(-1)).toBe('__keyspace@0__:k set');
    const refused = main.run('CONFIG', 'SET', 'notify-keyspace-events', 'KX');
    expect(String((refused as Error).message)).toContain("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
    expect(server.pubsub.keyspaceEvents).toBe(keyspaceEventsStringToFlags('K$'));
  });
});

describe('publishing', () => {
  it('publishes nothing when no class or neither K nor E is set', () => {
    for (const classes of ['', 'KE', 'A']) {
      const { main, events } = node(classes);
      main.run('SET', 'k', 'v');
      main.run('DEL', 'k');
      expect(events()).toEqual([]);
    }
  });

  it('keyspace channel first, then keyevent, per event; `new` before the command event', () => {
    // CONFIG GET shows `AKE` (Redis prints no n next to A) but the n class is in force.
    const { main, events } = node('KEAn');
    expect(main.wire('CONFIG', 'GET', 'notify-keyspace-events')).toContain('\r\nAKE\r\n');
    main.run('SELECT', 2);
    main.run('RPUSH', 'l', 'a');
    expect(events()).toEqual([
      '__keyspace@2__:l new',
      '__keyevent@2__:new l',
      '__keyspace@2__:l rpush',
      '__keyevent@2__:rpush l',
    ]);
  });

  it('does not propagate notifications: a write propagates as itself only', () => {
    const { server, main } = node('KEA');
    const propagated: string[][] = [];
    server.requestPath.observe({ propagate: (_db, commands) => propagated.push(...commands) });
    main.run('SET', 'k', 'v');
    expect(propagated).toEqual([['SET', 'k', 'v']]);
  });
});
