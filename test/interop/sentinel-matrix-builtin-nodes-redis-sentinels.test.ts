// The sentinel interop scenarios (sentinel-scenarios.ts) with our nodes under redis-sentinel.

import { defineHostNames, defineMatrix } from './sentinel-scenarios.js';

defineMatrix('builtin', 'redis');
defineHostNames('builtin', 'redis');
