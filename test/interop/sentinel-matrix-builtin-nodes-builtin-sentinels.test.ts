// The sentinel interop scenarios (sentinel-scenarios.ts) with our nodes under our sentinels.

import { defineAcl } from './sentinel-acl-scenario.js';
import { defineHostNames, defineMatrix } from './sentinel-scenarios.js';

defineMatrix('builtin', 'builtin');
defineHostNames('builtin', 'builtin');
defineAcl('builtin', 'builtin');
