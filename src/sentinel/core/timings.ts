// The sentinel's time parameters, one set per core, settable at run time with SENTINEL DEBUG as
// redis-sentinel 7.0 allows (sentinelSetDebugConfigParameters): the same names, the same defaults,
// the same order in the listing (addReplySentinelDebugInfo). Our faster polls (constants.ts) never
// make a wait longer than these: they only shorten how long the sentinel takes to notice something.

export interface Timings {
  infoPeriod: number;
  pingPeriod: number;
  askPeriod: number;
  publishPeriod: number;
  defaultDownAfter: number;
  defaultFailoverTimeout: number;
  tiltTrigger: number;
  tiltPeriod: number;
  slaveReconfTimeout: number;
  minLinkReconnectPeriod: number;
  electionTimeout: number;
  scriptMaxRuntime: number;
  scriptRetryDelay: number;
}

/** SENTINEL DEBUG parameter names, in the order the listing shows them, with Redis 7.0's defaults. */
export const DEBUG_PARAMETERS: readonly (readonly [name: string, key: keyof Timings, defaultMs: number])[] = [
  ['info-period', 'infoPeriod', 10_000],
  ['ping-period', 'pingPeriod', 1000],
  ['ask-period', 'askPeriod', 1000],
  ['publish-period', 'publishPeriod', 2000],
  ['default-down-after', 'defaultDownAfter', 30_000],
  ['default-failover-timeout', 'defaultFailoverTimeout', 180_000],
  ['tilt-trigger', 'tiltTrigger', 2000],
  ['tilt-period', 'tiltPeriod', 30_000],
  ['slave-reconf-timeout', 'slaveReconfTimeout', 10_000],
  ['min-link-reconnect-period', 'minLinkReconnectPeriod', 15_000],
  ['election-timeout', 'electionTimeout', 10_000],
  ['script-max-runtime', 'scriptMaxRuntime', 60_000],
  ['script-retry-delay', 'scriptRetryDelay', 30_000],
];

export function defaultTimings(): Timings {
  const timings = {} as Timings;
  for (const [, key, value] of DEBUG_PARAMETERS) timings[key] = value;
  return timings;
}

/** The Timings key of a SENTINEL DEBUG parameter name (case-insensitive), if it is one. */
export function debugParameter(name: string): keyof Timings | undefined {
  const lower = name.toLowerCase();
  return DEBUG_PARAMETERS.find(([n]) => n === lower)?.[1];
}
