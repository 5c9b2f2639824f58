// Our replica against a scripted fake master that checks every byte the way redis-server 7.0 would
// see it (protocol doc 1.1, 2.3): handshake order and batching, PSYNC arguments, the EOF-marked
// payload, offsets counted after whole commands, and the GETACK answer excluding its own bytes.

import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startNode, type NodeProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

const REPLID = '8f3c2a1b9d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a';
/** Smallest valid RDB: header, EOF opcode, checksum 0 ("not computed", loaders accept it). */
const EMPTY_RDB = Buffer.concat([Buffer.from('REDIS0010', 'latin1'), Buffer.from([0xff]), Buffer.alloc(8)]);
const cmd = (...args: string[]) => `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;

interface FakeMaster {
  port: number;
  received: string[];
  socket?: Socket;
  server: NetServer;
}

async function fakeMaster(script: (socket: Socket, data: string, master: FakeMaster) => void): Promise<FakeMaster> {
  const master: FakeMaster = { port: 0, received: [], server: createServer() };
  master.server.on('connection', (socket) => {
    master.socket = socket;
    socket.on('data', (chunk) => {
      const data = chunk.toString('latin1');
      master.received.push(data);
      script(socket, data, master);
    });
  });
  await new Promise<void>((resolve) => master.server.listen(0, '127.0.0.1', resolve));
  master.port = (master.server.address() as { port: number }).port;
  return master;
}

describe('replica handshake and stream against a scripted master', () => {
  const nodes: NodeProcess[] = [];
  const masters: FakeMaster[] = [];
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.stop()));
    for (const m of masters.splice(0)) {
      m.socket?.destroy();
      m.server.close();
    }
  });

  it('handshakes like a 7.0 replica and ACKs offsets exactly', async () => {
    const mark = 'a'.repeat(40);
    const master = await fakeMaster((socket, data) => {
      if (data === cmd('PING')) socket.write('+PONG\r\n');
      else if (data.includes('REPLCONF') && !data.includes('ACK')) {
        socket.write('+OK\r\n+OK\r\n');
      } else if (data.startsWith(cmd('PSYNC', '?', '-1'))) {
        socket.write(`+FULLRESYNC ${REPLID} 0\r\n`);
        socket.write(Buffer.concat([Buffer.from(`$EOF:${mark}\r\n`), EMPTY_RDB, Buffer.from(mark)]));
      }
    });
    masters.push(master);
    const replica = await startNode({ config: { replicaof: `127.0.0.1 ${master.port}` } });
    nodes.push(replica);

    // The first ACK right after an EOF-marked load releases the stream (protocol doc 1.4).
    await waitFor(() => master.received.some((d) => d.includes(cmd('REPLCONF', 'ACK', '0'))), {
      message: 'the first ACK after the snapshot',
    });
    expect(master.received[0]).toBe(cmd('PING'));
    expect(master.received[1]).toBe(
      cmd('REPLCONF', 'listening-port', String(replica.port)) + cmd('REPLCONF', 'capa', 'eof', 'capa', 'psync2'),
    );
    expect(master.received[2]).toBe(cmd('PSYNC', '?', '-1'));

    // The worked example of protocol doc 2.3: 23 + 37 + 14 + 37 = 111 bytes.
    master.received.length = 0;
    master.socket!.write(cmd('SELECT', '0') + cmd('SET', 'fromstream', '1') + cmd('ping') + cmd('REPLCONF', 'GETACK', '*'));
    await waitFor(() => master.received.join('').includes(cmd('REPLCONF', 'ACK', '74')), {
      message: 'the GETACK answer (offset before the GETACK itself)',
    });
    await waitFor(() => master.received.join('').includes(cmd('REPLCONF', 'ACK', '111')), {
      message: 'the next periodic ACK with every byte counted',
    });
    const client = replica.client();
    try {
      expect(await client.get('fromstream')).toBe('1');
      // Nothing but ACKs (and load keepalives) ever goes back to the master: no replies.
      expect(master.received.join('').replace(/\*3\r\n\$8\r\nREPLCONF\r\n\$3\r\nACK\r\n\$\d+\r\n\d+\r\n/g, '').replace(/\n/g, '')).toBe('');
      // Inside MULTI the offset moves only after EXEC.
      master.received.length = 0;
      master.socket!.write(cmd('MULTI') + cmd('SET', 'a', '1'));
      master.socket!.write(cmd('REPLCONF', 'GETACK', '*'));
      await waitFor(() => master.received.join('').includes('ACK'), { message: 'an ACK' });
      expect(master.received.join('')).toContain(cmd('REPLCONF', 'ACK', '111'));
    } finally {
      client.disconnect();
    }
  });
});
