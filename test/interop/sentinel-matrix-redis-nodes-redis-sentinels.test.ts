// The sentinel interop scenarios (sentinel-scenarios.ts) with redis-server nodes under redis-sentinel.

import { defineHostNames, defineMatrix } from './sentinel-scenarios.js';

defineMatrix('redis', 'redis');
defineHostNames('redis', 'redis');
