// The sentinel interop scenarios (sentinel-scenarios.ts) with our nodes under redis-sentinel.

import { defineAcl } from './sentinel-acl-scenario.js';
import { defineHostNames, defineMatrix } from './sentinel-scenarios.js';

defineMatrix('builtin', 'redis');
defineHostNames('builtin', 'redis');
defineAcl('builtin', 'redis');
