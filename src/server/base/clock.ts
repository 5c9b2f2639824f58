// The server's clock. Every time-driven decision of the node (fencing leases and stalls, active
// expiry, replication and blocking timeouts, CLIENT PAUSE, INFO times) reads the time here, so a
// test can replace it and drive time by hand; nothing else in src/server calls Date.now().

export interface Clock {
  /** Wall-clock time in ms since the epoch (what Redis's mstime() reads). */
  now(): number;
  /** A monotonic time in ms, for time budgets and durations (Redis's ustime deltas). */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

let current: Clock = systemClock;

/** The clock in force; its methods always read the clock installed at the time of the call. */
export const clock: Clock = {
  now: () => current.now(),
  monotonic: () => current.monotonic(),
};

/** Installs `replacement` (a test's fake clock) and returns a function that puts the previous one back. */
export function useClock(replacement: Clock): () => void {
  const previous = current;
  current = replacement;
  return () => {
    current = previous;
  };
}
