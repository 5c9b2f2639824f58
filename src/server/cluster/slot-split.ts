// The initial slot split and master order of `redis-cli --cluster create` live in src/shared/
// (clusterctl's `up` creates clusters with them too); re-exported here for the node's own importers.

export { interleaveByHost, splitSlotsLikeRedisCli } from '../../shared/slot-split.js';
