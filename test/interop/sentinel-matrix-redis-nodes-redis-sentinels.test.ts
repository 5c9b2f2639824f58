// The sentinel interop scenarios (sentinel-scenarios.ts) with redis-server nodes under redis-sentinel.

import { defineAcl } from './sentinel-acl-scenario.js';
import { defineHostNames, defineMatrix } from './sentinel-scenarios.js';

defineMatrix('redis', 'redis');
defineHostNames('redis', 'redis');
defineAcl('redis', 'redis');
