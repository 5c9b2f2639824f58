// Configuration epochs seen in the authority's announcements (sentinel hellos: master_config_epoch;
// in a Redis Cluster, the configEpoch of a master claiming our slots). A newer configuration naming
// another master means a failover happened without us: Redis Sentinel turns such an old master
// into a replica when it reappears (+convert-to-slave); we refuse writes at once instead. Pure.

/** One announcement: who sent it, the epoch of the configuration it carries, whether it names us master. */
export interface Announcement {
  from: string;
  /** NaN when unreadable: the announcement then only shows that its sender is alive. */
  epoch: number;
  namesUs: boolean;
}

/** What an announcement means for this node. */
export type EpochVerdict = 'confirms' | 'supersedes' | 'none';

export class ConfigEpochs {
  /** Newest epoch of an announcement naming us. */
  private maxSelf = 0;
  /** Newest epoch of an announcement naming another master. */
  private maxOther = -1;
  /** Highest epoch seen while a replica: a promoted node is not fenced by its old master's announcements. */
  private baseline = 0;

  /**
   * `confirms`: it names us at an epoch no older than any naming another master. `supersedes`: it
   * names another master at an epoch newer than any naming us (or seen while we were a replica).
   */
  observe(epoch: number, namesUs: boolean, isReplica: boolean): EpochVerdict {
    if (isReplica) {
      this.baseline = Math.max(this.baseline, epoch);
      return 'none';
    }
    if (namesUs) {
      this.maxSelf = Math.max(this.maxSelf, epoch);
      return epoch >= this.maxOther ? 'confirms' : 'none';
    }
    this.maxOther = Math.max(this.maxOther, epoch);
    return epoch > Math.max(this.maxSelf, this.baseline) ? 'supersedes' : 'none';
  }
}
