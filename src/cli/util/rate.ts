// Bandwidths on the command line: "1mb/s", "500kb/s", "64k", or a bare number of bytes per second.
// Units as in redis.conf (config.c memtoull): k = 1000, kb = 1024, m = 1000², mb = 1024², g, gb.

const UNITS: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1000 ** 2, mb: 1024 ** 2, g: 1000 ** 3, gb: 1024 ** 3 };

/** Bytes per second for `text`, or undefined when it is not a positive rate. */
export function parseRate(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb|g|gb)?\s*(?:\/\s*s)?\s*$/i.exec(text);
  if (!match) return undefined;
  const value = Math.round(Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]!);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

export function formatRate(bytesPerSec: number): string {
  if (bytesPerSec >= 1024 ** 2 && bytesPerSec % 1024 ** 2 === 0) return `${bytesPerSec / 1024 ** 2}mb/s`;
  if (bytesPerSec >= 1024 && bytesPerSec % 1024 === 0) return `${bytesPerSec / 1024}kb/s`;
  return `${bytesPerSec}b/s`;
}
