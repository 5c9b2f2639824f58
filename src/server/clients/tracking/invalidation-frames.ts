// The bytes of the invalidation messages of client-side caching (Redis tracking.c
// sendTrackingMessage): a RESP3 push `>2 invalidate <payload>`, or, for a RESP2 client that
// receives another client's invalidations through REDIRECT while subscribed, the Pub/Sub message
// `message __redis__:invalidate <payload>`. The payload is an array of keys, or a null for "every
// key" after FLUSHDB / FLUSHALL (trackingInvalidateKeysOnFlush).

/** The channel RESP2 redirect targets subscribe to (Redis TrackingChannelName). */
export const INVALIDATE_CHANNEL = '__redis__:invalidate';

const PUSH_HEADER = '>2\r\n$10\r\ninvalidate\r\n';
const MESSAGE_HEADER = `*3\r\n$7\r\nmessage\r\n$${INVALIDATE_CHANNEL.length}\r\n${INVALIDATE_CHANNEL}\r\n`;

/** How the message opens for its receiver: a push in RESP3, a Pub/Sub message in RESP2. */
export function invalidationHeader(resp3: boolean): string {
  return resp3 ? PUSH_HEADER : MESSAGE_HEADER;
}

/** Keys as a RESP array of bulk strings (keys are latin1 strings: one character per byte). */
export function keysPayload(keys: readonly string[]): string {
  let text = `*${keys.length}\r\n`;
  for (const key of keys) text += `$${key.length}\r\n${key}\r\n`;
  return text;
}

/**
 * "Every key": the null of the *tracking* client's protocol, whoever receives it (Redis passes
 * shared.null[c->resp] of the tracking client, so a RESP3 client redirecting to a RESP2 one sends `_`).
 */
export function flushPayload(trackingClientResp3: boolean): string {
  return trackingClientResp3 ? '_\r\n' : '$-1\r\n';
}

/** Told to a RESP3 tracking client whose redirect target is gone. */
export function redirectBrokenFrame(redirect: number): string {
  return `>2\r\n$21\r\ntracking-redir-broken\r\n:${redirect}\r\n`;
}
