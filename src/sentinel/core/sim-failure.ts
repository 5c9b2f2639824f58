// SENTINEL SIMULATE-FAILURE (Redis 7.0 SENTINEL_SIMFAILURE_*): crash points for testing failovers
// whose leader dies half-way. The flags are what INFO shows as sentinel_simulate_failure_flags.

export const SIM_CRASH_AFTER_ELECTION = 1;
export const SIM_CRASH_AFTER_PROMOTION = 2;

/** The flag of a SIMULATE-FAILURE argument, undefined when it is not one. */
export function simFailureFlag(name: string): number | undefined {
  const lower = name.toLowerCase();
  if (lower === 'crash-after-election') return SIM_CRASH_AFTER_ELECTION;
  if (lower === 'crash-after-promotion') return SIM_CRASH_AFTER_PROMOTION;
  return undefined;
}
