// Pub/sub channel names between our nodes and our sentinels.

/** Sentinels' hello messages (protocol doc 7.3), on masters and replicas alike. */
export const HELLO_CHANNEL = '__sentinel__:hello';

/**
 * Confirmation rounds a master holding write replies pushes to our sentinels' pub/sub links
 * (server/replication/confirm-rounds.ts); nobody subscribes to it, so no other client sees them.
 */
export const CONFIRM_CHANNEL = '__clusterctl__:confirm';
