// The Redis version this node answers as (INFO redis_version, HELLO, the RDB's redis-ver aux field):
// clients and tools pick features by it, so it names the release whose behaviour we follow.

export const REDIS_COMPAT_VERSION = '7.0.15';
