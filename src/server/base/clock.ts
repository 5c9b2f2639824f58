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
  // Reads the global Date at each call (not Date.now taken once), so timer mocks in tests reach it.
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

/**
 * The clock in force. Its methods are swapped by useClock rather than wrapped twice: `clock.now()`
 * is read on every command, and a second wrapper cost as much as Date.now itself in the profile. So
 * call it through the object (`clock.now()`, `() => clock.now()`); a method taken off it keeps that clock.
 */
export const clock: Clock = { ...systemClock };

/** Installs `replacement` (a test's fake clock) and returns a function that puts the previous one back. */
export function useClock(replacement: Clock): () => void {
  const previous = { ...clock };
  clock.now = () => replacement.now();
  clock.monotonic = () => replacement.monotonic();
  return () => {
    clock.now = previous.now;
    clock.monotonic = previous.monotonic;
  };
}
