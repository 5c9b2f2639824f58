// The CLIENT LIST / CLIENT INFO line of one client (Redis networking.c catClientInfoString, 7.0
// field order) and the client-type names CLIENT LIST/KILL TYPE accept. Here, below the handlers,
// because the ACL log records the line of every client it refuses.

import type { Client, ClientKind } from './client.js';
import { clock } from '../base/clock.js';

/** Redis getClientTypeByName: `slave` and `replica` are the same class. */
export function clientKindByName(name: string): ClientKind | undefined {
  switch (name.toLowerCase()) {
    case 'normal':
      return 'normal';
    case 'slave':
    case 'replica':
      return 'replica';
    case 'pubsub':
      return 'pubsub';
    case 'master':
      return 'master';
    default:
      return undefined;
  }
}

/** One `id=... addr=... ...` line, without the trailing newline. */
export function clientInfoLine(client: Client, now = clock.now()): string {
  const fields: [string, string | number][] = [
    ['id', client.id],
    ['addr', client.addr],
    ['laddr', client.laddr],
    // Node does not expose socket descriptors; -1 is what Redis shows for connection-less clients.
    ['fd', -1],
    ['name', client.name],
    ['age', Math.floor((now - client.createdAt) / 1000)],
    ['idle', Math.floor((now - client.lastInteraction) / 1000)],
    ['flags', client.flags],
    ['db', client.db],
    ['sub', client.channels.size],
    ['psub', client.patterns.size],
    ['ssub', client.shardChannels.size],
    ['multi', client.multi === null ? -1 : client.multi.length],
    ['qbuf', 0],
    ['qbuf-free', 0],
    ['argv-mem', 0],
    ['multi-mem', 0],
    ['rbs', 0],
    ['rbp', 0],
    ['obl', 0],
    ['oll', 0],
    ['omem', 0],
    ['tot-mem', 0],
    ['events', 'r'],
    ['cmd', client.lastCommand],
    // The master link runs as no user at all (Redis: c->user NULL).
    ['user', client.user === null ? '(superuser)' : client.user.name],
    // Tracking on: the REDIRECT target, 0 for none; off: -1.
    ['redir', client.tracking === null ? -1 : client.tracking.redirect],
    ['resp', client.proto],
    // Redis 7.2 adds these two (CLIENT SETINFO); clients that parse key=value pairs ignore extras.
    ['lib-name', client.libName],
    ['lib-ver', client.libVersion],
  ];
  return fields.map(([key, value]) => `${key}=${value}`).join(' ');
}
