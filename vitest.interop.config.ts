// The sentinel interop matrix (test/interop): every scenario in the four pairings of node and
// sentinel (ours or Redis's). Too long for `npm test`'s budget, so `.ci/run` runs it as a second
// step: `npx vitest run --config vitest.interop.config.ts` (after `npm run build`).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/interop/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 60_000,
    globalSetup: ['test/helpers/global-teardown.ts'],
    // One file per pairing; two cores.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
