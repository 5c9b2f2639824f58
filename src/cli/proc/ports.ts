// Port checks before anything starts: is a loopback port free, and if not, which process holds it
// (found through /proc/net/tcp{,6} socket inodes and /proc/<pid>/fd links; falls back to "unknown").

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { describeProcess } from './proc.js';

/** True when 127.0.0.1:port can be bound right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export interface PortOwner {
  pid: number;
  program: string;
}

/** The process listening on `port` (any local address), when /proc lets us see it. */
export function portOwner(port: number): PortOwner | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // Another user's process, or gone.
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match && inodes.has(match[1]!)) {
          const program = describeProcess(Number(pid));
          if (program) return { pid: Number(pid), program };
        }
      } catch {
        // fd closed meanwhile.
      }
    }
  }
  return undefined;
}

/** Socket inodes in LISTEN state (0A) on `port`, from /proc/net/tcp and tcp6. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'latin1');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // fields: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      if (fields.length > 9 && fields[1]!.endsWith(`:${hexPort}`) && fields[3] === '0A') inodes.add(fields[9]!);
    }
  }
  return inodes;
}

export interface BusyPort {
  port: number;
  owner?: PortOwner;
}

/** Every port in `ports` that cannot be bound, with its owner when known. */
export async function busyPorts(ports: number[]): Promise<BusyPort[]> {
  const results = await Promise.all(ports.map(async (port) => ((await isPortFree(port)) ? undefined : port)));
  return results.filter((port): port is number => port !== undefined).map((port) => {
    const owner = portOwner(port);
    return owner ? { port, owner } : { port };
  });
}
