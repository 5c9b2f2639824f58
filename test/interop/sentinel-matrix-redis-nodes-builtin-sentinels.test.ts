// The sentinel interop scenarios (sentinel-scenarios.ts) with redis-server nodes under our sentinels.

import { defineAcl } from './sentinel-acl-scenario.js';
import { defineHostNames, defineMatrix } from './sentinel-scenarios.js';

defineMatrix('redis', 'builtin');
defineHostNames('redis', 'builtin');
defineAcl('redis', 'builtin');
