// Help texts shared by several commands (kept apart from the modules that do the work, so that
// loading a command's definition for --help does not load ioredis or execa).

export const SELECTOR_HELP = 'a node name, or master, replica, replica:N (the Nth replica, 1-based); in a Redis Cluster shardN:master, shardN:replica, shardN:replica:N';

/** Signals `clusterctl kill --signal` accepts. */
export const KILL_SIGNALS = ['KILL', 'TERM', 'STOP', 'INT', 'HUP'] as const;
export type KillSignal = (typeof KILL_SIGNALS)[number];
