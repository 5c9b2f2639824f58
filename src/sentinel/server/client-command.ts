// CLIENT on a sentinel: SETNAME, GETNAME, SETINFO, ID, INFO, LIST and KILL (old `ip:port` form and
// filters), with Redis 7.0's reply formats and error texts.

import { ErrorReply, NO_REPLY, OK, type Reply, VerbatimReply } from '../../shared/resp/reply.js';
import type { ClientConn } from './client-conn.js';
import type { CommandContext } from './host.js';

export function clientCommand(ctx: CommandContext, args: string[]): Reply | typeof NO_REPLY {
  const { client, host } = ctx;
  const sub = args[1]!.toLowerCase();
  const arity = (n: number) => new ErrorReply(`ERR wrong number of arguments for 'client|${sub}' command`);
  switch (sub) {
    case 'setname':
      if (args.length !== 3) return arity(3);
      if (/[^\x21-\x7e]/.test(args[2]!)) return new ErrorReply('ERR Client names cannot contain spaces, newlines or special characters.');
      client.name = args[2]!;
      return OK;
    case 'getname':
      return client.name === '' ? null : client.name;
    case 'setinfo': {
      // From Redis 7.2; ioredis sends it to everything, so accept it rather than fail its handshake.
      if (args.length !== 4) return arity(4);
      const attr = args[2]!.toLowerCase();
      if (attr === 'lib-name') client.libName = args[3]!;
      else if (attr === 'lib-ver') client.libVersion = args[3]!;
      else return new ErrorReply(`ERR Unrecognized option '${args[2]}'`);
      return OK;
    }
    case 'id':
      return client.id;
    case 'info':
      return new VerbatimReply(`${describeClient(client)}\n`);
    case 'list':
      return new VerbatimReply([...host.clients.values()].map((c) => `${describeClient(c)}\n`).join(''));
    case 'kill':
      return kill(ctx, args);
    default:
      return new ErrorReply(`ERR unknown subcommand '${args[1]}'. Try CLIENT HELP.`);
  }
}

export function describeClient(c: ClientConn): string {
  const now = Date.now();
  const flags = c.subscriptionCount > 0 ? 'P' : 'N';
  return (
    `id=${c.id} addr=${c.address} laddr=${c.localAddress} fd=0 name=${c.name} age=${Math.floor((now - c.createdAt) / 1000)} ` +
    `idle=${Math.floor((now - c.lastCommandAt) / 1000)} flags=${flags} db=0 sub=${c.channels.size} psub=${c.patterns.size} ssub=0 ` +
    `multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r ` +
    `cmd=${c.lastCommand} user=default redir=-1 resp=${c.protocol} lib-name=${c.libName} lib-ver=${c.libVersion}`
  );
}

function kill({ client, host }: CommandContext, args: string[]): Reply {
  if (args.length === 3) {
    const target = [...host.clients.values()].find((c) => c.address === args[2]);
    if (!target) return new ErrorReply('ERR No such client');
    closeSoon(target);
    return OK;
  }
  if (args.length < 4 || args.length % 2 !== 0) return new ErrorReply('ERR syntax error');
  const tests: ((c: ClientConn) => boolean)[] = [];
  let skipMe = true;
  for (let i = 2; i < args.length; i += 2) {
    const option = args[i]!.toLowerCase();
    const value = args[i + 1]!;
    if (option === 'id') {
      if (!/^\d+$/.test(value)) return new ErrorReply('ERR client-id should be greater than 0');
      tests.push((c) => c.id === Number(value));
    } else if (option === 'type') {
      const type = value.toLowerCase();
      if (!['normal', 'pubsub', 'master', 'slave', 'replica'].includes(type)) return new ErrorReply(`ERR Unknown client type '${value}'`);
      tests.push((c) => (c.subscriptionCount > 0 ? 'pubsub' : 'normal') === type);
    } else if (option === 'addr') tests.push((c) => c.address === value);
    else if (option === 'laddr') tests.push((c) => c.localAddress === value);
    else if (option === 'user') tests.push(() => value === 'default');
    else if (option === 'skipme') {
      const yes = value.toLowerCase();
      if (yes !== 'yes' && yes !== 'no') return new ErrorReply('ERR syntax error');
      skipMe = yes === 'yes';
    } else if (option === 'maxage') {
      if (!/^\d+$/.test(value)) return new ErrorReply('ERR syntax error');
      tests.push((c) => Date.now() - c.createdAt >= Number(value) * 1000);
    } else return new ErrorReply('ERR syntax error');
  }
  let killed = 0;
  for (const target of host.clients.values()) {
    if (skipMe && target === client) continue;
    if (!tests.every((test) => test(target))) continue;
    closeSoon(target);
    killed++;
  }
  return killed;
}

/** Closes after pending output, so a client killing itself still reads the reply. */
function closeSoon(client: ClientConn): void {
  client.closeAfterReply = true;
  setImmediate(() => client.socket.end());
}
