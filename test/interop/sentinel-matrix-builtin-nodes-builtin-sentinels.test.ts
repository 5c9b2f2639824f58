// The sentinel interop scenarios (sentinel-scenarios.ts) with our nodes under our sentinels.

import { defineHostNames, defineMatrix } from './sentinel-scenarios.js';

defineMatrix('builtin', 'builtin');
defineHostNames('builtin', 'builtin');
