// Value syntax of redis.conf: memory sizes with k/kb/m/mb/g/gb (k = 1000, kb = 1024, as Redis's
// memtoull), yes/no booleans. Errors name what was expected, as Redis's config loader does.

export function parseMemory(text: string): number | null {
  const match = /^(-?\d+)(k|kb|m|mb|g|gb|b)?$/i.exec(text.trim());
  if (!match) return null;
  const n = Number(match[1]);
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor: Record<string, number> = {
    b: 1,
    k: 1000,
    kb: 1024,
    m: 1000 * 1000,
    mb: 1024 * 1024,
    g: 1000 * 1000 * 1000,
    gb: 1024 * 1024 * 1024,
  };
  return n * factor[unit]!;
}

export function parseYesNo(text: string): boolean | null {
  const lower = text.toLowerCase();
  if (lower === 'yes') return true;
  if (lower === 'no') return false;
  return null;
}

/** Prints a byte count the way CONFIG REWRITE does: the largest exact unit (1mb, 64kb, 100). */
export function formatMemory(bytes: number): string {
  if (bytes !== 0 && bytes % (1024 * 1024 * 1024) === 0) return `${bytes / (1024 * 1024 * 1024)}gb`;
  if (bytes !== 0 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)}mb`;
  if (bytes !== 0 && bytes % 1024 === 0) return `${bytes / 1024}kb`;
  return String(bytes);
}
