import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{api,workers,domain,platform,test,bench,load-tests,scripts}/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'web-console/**', '.data/**'],
    environment: 'node',
    pool: 'forks',
    // Each integration file gets its own database cloned from a migrated template.
    globalSetup: ['test/harness/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
