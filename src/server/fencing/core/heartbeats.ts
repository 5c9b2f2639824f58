// Acknowledged heartbeats, per link: when each numbered heartbeat reply went out, so that a later
// heartbeat saying "I read n of your replies" tells when the member last provably heard us. Pure.

interface LinkBeats {
  /** Heartbeat replies sent on the link: the next one gets number sent + 1. */
  sent: number;
  /** Reply number -> when it was sent, for those not acknowledged yet. */
  times: Map<number, number>;
}

export class HeartbeatLog {
  private readonly links = new Map<number, LinkBeats>();

  /**
   * A heartbeat on `link` acknowledging `ack` replies; its own reply goes out at `now` and gets the
   * next number. Returns when the acknowledged reply was sent, if this log numbered it.
   */
  beat(link: number, ack: number, now: number): number | undefined {
    let beats = this.links.get(link);
    if (!beats) this.links.set(link, (beats = { sent: 0, times: new Map() }));
    const confirmed = beats.times.get(ack);
    for (const n of beats.times.keys()) if (n <= ack) beats.times.delete(n);
    beats.sent++;
    beats.times.set(beats.sent, now);
    return confirmed;
  }

  /** Forgets closed links: their unacknowledged replies can never be confirmed. */
  retain(isOpen: (link: number) => boolean): void {
    for (const link of this.links.keys()) if (!isOpen(link)) this.links.delete(link);
  }
}
