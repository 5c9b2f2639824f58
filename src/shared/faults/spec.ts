// Fault injection, the part nodes, sentinels and the CLI share: the FAULT PARTITION grammar, what a
// rule names (peers, direction, duration, exceptions), the HEAL grammar, and how a link is matched
// against a rule.
//
//   FAULT PARTITION <peer> [<peer> ...] [IN|OUT|BOTH] [FOR <ms>] [EXCEPT <name-glob>]...
//   FAULT HEAL [<peer> ...]
//   peer = sentinels | replicas | master | clients | client:<name-glob> | <host>:<port>

import { globMatch } from '../glob.js';

export type Direction = 'in' | 'out' | 'both';

export type Peer =
  | { kind: 'sentinels' | 'replicas' | 'master' | 'clients' }
  | { kind: 'client'; glob: string }
  | { kind: 'addr'; host: string; port: number };

export interface PartitionRequest {
  peers: Peer[];
  direction: Direction;
  /** 0: until healed. */
  forMs: number;
  /** Connection names (globs) this rule never cuts. */
  except: string[];
}

/** What one link is, as far as matching goes. */
export interface Endpoint {
  /** 'node': a cluster bus peer (matched only by <host>:<port>, its client or bus port). */
  role: 'sentinel' | 'replica' | 'master' | 'client' | 'node';
  /** Connection name (CLIENT SETNAME), '' if none. */
  name: string;
  /** The listening address of the process on the other end, when known. */
  host?: string;
  port?: number;
}

const GROUPS = new Set(['sentinels', 'replicas', 'master', 'clients']);

export function parsePeer(word: string): Peer | string {
  const lower = word.toLowerCase();
  if (GROUPS.has(lower)) return { kind: lower as 'sentinels' | 'replicas' | 'master' | 'clients' };
  if (lower.startsWith('client:') && word.length > 7) return { kind: 'client', glob: word.slice(7) };
  const colon = word.lastIndexOf(':');
  const port = Number(word.slice(colon + 1));
  if (colon > 0 && /^\d+$/.test(word.slice(colon + 1)) && port > 0 && port < 65536) {
    return { kind: 'addr', host: word.slice(0, colon), port };
  }
  return `ERR unknown peer '${word}' (sentinels, replicas, master, clients, client:<name-glob> or <host>:<port>)`;
}

export function formatPeer(peer: Peer): string {
  if (peer.kind === 'client') return `client:${peer.glob}`;
  if (peer.kind === 'addr') return `${peer.host}:${peer.port}`;
  return peer.kind;
}

/** Parses the arguments after PARTITION; a string is the error reply text. */
export function parsePartition(words: readonly string[]): PartitionRequest | string {
  const request: PartitionRequest = { peers: [], direction: 'both', forMs: 0, except: [] };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const upper = word.toUpperCase();
    if (upper === 'IN' || upper === 'OUT' || upper === 'BOTH') {
      request.direction = upper.toLowerCase() as Direction;
    } else if (upper === 'FOR' || upper === 'EXCEPT') {
      const value = words[++i];
      if (value === undefined) return 'ERR syntax error';
      if (upper === 'EXCEPT') {
        request.except.push(value);
        continue;
      }
      if (!/^\d+$/.test(value) || Number(value) <= 0 || !Number.isSafeInteger(Number(value))) return 'ERR FOR takes a positive number of milliseconds';
      request.forMs = Number(value);
    } else {
      const peer = parsePeer(word);
      if (typeof peer === 'string') return peer;
      request.peers.push(peer);
    }
  }
  if (request.peers.length === 0) return 'ERR PARTITION needs at least one peer';
  return request;
}

/** What FAULT HEAL heals: every rule (peers undefined), or the links to the peers named. */
export interface HealRequest {
  peers: Peer[] | undefined;
}

/** Parses the arguments after HEAL; a string is the error reply text (the first unknown peer). */
export function parseHeal(words: readonly string[]): HealRequest | string {
  if (words.length === 0) return { peers: undefined };
  const peers: Peer[] = [];
  for (const word of words) {
    const peer = parsePeer(word);
    if (typeof peer === 'string') return peer;
    peers.push(peer);
  }
  return { peers };
}

/** A connection name against a client:<name-glob> or EXCEPT glob, as Redis matches globs. */
export function nameMatches(glob: string, name: string): boolean {
  return globMatch(glob, name);
}

/** One host, however it is written: loopback spellings are the same host; unknown matches any. */
export function sameHost(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return true;
  const norm = (h: string) => {
    const host = h.startsWith('::ffff:') ? h.slice(7) : h;
    return host === 'localhost' || host === '::1' || host.startsWith('127.') ? '127.0.0.1' : host;
  };
  return norm(a) === norm(b);
}

/** Connections named clusterctl-* are the operator's own (the CLI): never cut off. */
export function isOperator(name: string): boolean {
  return name.startsWith('clusterctl-');
}

export function peerMatches(peer: Peer, endpoint: Endpoint): boolean {
  switch (peer.kind) {
    case 'sentinels':
      return endpoint.role === 'sentinel';
    case 'replicas':
      return endpoint.role === 'replica';
    case 'master':
      return endpoint.role === 'master';
    case 'clients':
      return endpoint.role === 'client';
    case 'client':
      return endpoint.role === 'client' && nameMatches(peer.glob, endpoint.name);
    case 'addr':
      return endpoint.role !== 'client' && endpoint.port === peer.port && sameHost(endpoint.host, peer.host);
  }
}

export function ruleMatches(rule: PartitionRequest, endpoint: Endpoint): boolean {
  if (isOperator(endpoint.name)) return false;
  if (rule.except.some((glob) => nameMatches(glob, endpoint.name))) return false;
  return rule.peers.some((peer) => peerMatches(peer, endpoint));
}

/** Whether reads (in) and writes (out) on a link are held, given every active rule that matches it. */
export function holdsFor(rules: Iterable<PartitionRequest>, endpoint: Endpoint): { in: boolean; out: boolean } {
  const hold = { in: false, out: false };
  for (const rule of rules) {
    if (!ruleMatches(rule, endpoint)) continue;
    if (rule.direction !== 'out') hold.in = true;
    if (rule.direction !== 'in') hold.out = true;
  }
  return hold;
}
