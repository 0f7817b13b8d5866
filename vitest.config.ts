import { defineConfig } from 'vitest/config';

/**
 * Tests that compare how evenly or how promptly requests leave (shards against one process, a
 * signal's deadline, a slowed-down function's verdict), or how many cold starts a replay's
 * timing makes against the simulator's prediction, run after the rest, one file at a time, on a
 * machine no other test file is loading. Their claims are about timing; two cores shared with a
 * dozen servers and child processes would measure the neighbours instead.
 */
const TIMED = [
  'test/integration/distributed.test.ts',
  'test/e2e/distributed.test.ts',
  'test/e2e/signals.test.ts',
  'test/diff/emulator.test.ts',
  'test/experiments/replay-emulator.test.ts',
];

export default defineConfig({
  // Vite's warnings are about the packages it transforms (missing source maps), not the tests.
  logLevel: 'error',
  test: {
    // Rebuilds dist/ when a source is newer: the binary and the emulator's runtime run from it.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Its ESM imports its workflow schema as JSON without an import attribute, which Node refuses:
    // let Vite transform it (test/docs checks the example workflow with it).
    server: { deps: { inline: ['@actions/workflow-parser'] } },
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: TIMED,
          // Integration tests start real servers and child processes; two cores are shared.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'timed',
          include: TIMED,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
