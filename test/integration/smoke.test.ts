// The node answers real clients: ioredis round trips, raw RESP, and unknown commands.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNode, type NodeProcess } from '../helpers/processes.js';

describe('clusterctl-node smoke', () => {
  let node: NodeProcess;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('answers PING, SET and GET through ioredis', async () => {
    const client = node.client();
    try {
      expect(await client.ping()).toBe('PONG');
      expect(await client.set('greeting', 'héllo wörld')).toBe('OK');
      expect(await client.get('greeting')).toBe('héllo wörld');
      await expect(client.call('nosuchcommand', 'a')).rejects.toThrow(/unknown command 'nosuchcommand'/);
    } finally {
      client.disconnect();
    }
  });

  it('logs that it is ready', () => {
    expect(node.log()).toContain('Ready to accept connections');
  });
});
