// The one pause primitive for polling loops (readiness, stop, waits).

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every `interval` ms until it returns a value or `deadline` (epoch ms) passes. */
export async function pollUntil<T>(check: () => Promise<T | undefined> | T | undefined, deadline: number, interval = 20): Promise<T | undefined> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await sleep(Math.min(interval, Math.max(1, deadline - Date.now())));
  }
}
