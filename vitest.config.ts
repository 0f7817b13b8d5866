import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Vite's warnings are about the packages it transforms (missing source maps), not the tests.
  logLevel: 'error',
  test: {
    include: ['test/**/*.test.ts'],
    // Rebuilds dist/ when a source is newer: the binary and the emulator's runtime run from it.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start real servers and child processes; two cores are shared.
    maxWorkers: 2,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Its ESM imports its workflow schema as JSON without an import attribute, which Node refuses:
    // let Vite transform it (test/docs checks the example workflow with it).
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
