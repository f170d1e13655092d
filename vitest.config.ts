import { defineConfig } from 'vitest/config';

/**
 * Test files that start processes: the `ainews` binary (test/helpers/cli.ts, the crash harness), a
 * second database client, the linters. A new test that spawns anything belongs here, or in a file
 * listed here, so that `npm run test:quick` stays quick.
 */
const STARTS_PROCESSES = [
  'test/cli/*.test.ts',
  'test/delivery/outbox-processes.test.ts',
  'test/hardening/busy-database.test.ts',
  'test/hardening/crash.test.ts',
  'test/hardening/secrets.test.ts',
  'test/lint/*.test.ts',
  'test/platforms/discord/discord-cli.test.ts',
  'test/platforms/slack/manifest.test.ts',
  'test/platforms/slack/slack-crash.test.ts',
];

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
