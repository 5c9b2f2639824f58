// Two projects: `unit` is pure (no sockets, no processes); `integration` starts real processes on
// ephemeral loopback ports and has a global teardown that kills anything a test left running.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // Unit tests first, then the integration project with its own worker limit.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 60_000,
          globalSetup: ['test/helpers/global-teardown.ts'],
          // Each file starts its own processes; two cores, so keep parallelism modest.
          maxWorkers: 2,
          fileParallelism: true,
        },
      },
    ],
  },
});
