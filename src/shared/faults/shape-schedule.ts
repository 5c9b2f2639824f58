// When bytes sent over a shaped link arrive, pure: a link of `bytesPerSec` serialises what it is
// given one batch after another (the throttle), and every batch then takes `delayMs` more to
// cross (the delay), as a slow long-distance link would. Order is kept: a batch never arrives
// before the one sent ahead of it, even when the shape changes in between.

export interface Shape {
  /** One-way delay added to every byte, ms (0: none). */
  delayMs: number;
  /** Bandwidth, bytes per second (0: unlimited). */
  bytesPerSec: number;
}

export interface Slot {
  /** When the link has taken the batch in (its last byte serialised): the sender may go on. */
  acceptAt: number;
  /** When the batch arrives on the other side. */
  deliverAt: number;
}

export class ShapeSchedule {
  /** The link is busy serialising until then. */
  private busyUntil = 0;
  private lastDeliver = 0;

  constructor(public shape: Shape) {}

  next(now: number, bytes: number): Slot {
    const start = Math.max(now, this.busyUntil);
    const serialise = this.shape.bytesPerSec > 0 ? (bytes * 1000) / this.shape.bytesPerSec : 0;
    this.busyUntil = start + serialise;
    const deliverAt = Math.max(this.lastDeliver, this.busyUntil + this.shape.delayMs);
    this.lastDeliver = deliverAt;
    return { acceptAt: this.busyUntil, deliverAt };
  }
}

/** The shape of several rules on one link: the longest delay and the narrowest bandwidth. */
export function combineShapes(shapes: readonly Shape[]): Shape | null {
  if (shapes.length === 0) return null;
  const delayMs = Math.max(...shapes.map((s) => s.delayMs));
  const rates = shapes.map((s) => s.bytesPerSec).filter((r) => r > 0);
  return { delayMs, bytesPerSec: rates.length ? Math.min(...rates) : 0 };
}
