import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{api,workers,domain,platform,test,bench,load-tests,scripts}/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'web-console/**', '.data/**'],
    environment: 'node',
    pool: 'forks',
    // A worker process runs its files one after another in one module graph: imported once per worker instead of once
    // per file (the import phase was ~570 s of a ~900 s run on 2 cores). Each file still starts its own system over its
    // own database and Redis prefix; a file passes settings through startTestSystem({ env }), never process.env, and
    // module state is kept per runtime, so nothing carries from one file to the next.
    isolate: false,
    // Each integration file gets its own database cloned from a migrated template.
    globalSetup: ['test/harness/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
