import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/**
 * Test files that start processes: the `ainews` binary (test/helpers/cli.ts, the crash harness), a
 * second database client, the linters. `npm run lint` fails on a test that can reach child_process
 * without being listed there, so that `npm run test:quick` stays quick.
 */
const STARTS_PROCESSES: string[] = JSON.parse(readFileSync(new URL('./test/starts-processes.json', import.meta.url), 'utf8'));

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    projects: [
      // Unit tests, and integration tests on real SQLite and real HTTP on 127.0.0.1, in this process's workers.
      { extends: true, test: { name: 'quick', include: ['test/**/*.test.ts'], exclude: STARTS_PROCESSES } },
      { extends: true, test: { name: 'processes', include: STARTS_PROCESSES } },
    ],
  },
});
