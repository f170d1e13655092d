import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App, type AppOptions } from '../../src/app.ts';
import type { Database } from '../../src/db/open.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import type { PollOutcome } from '../../src/pipeline/poll-feed.ts';

/** The app on a SQLite file: its connection is there for the tests' own reads and writes. */
export interface TestApp extends Omit<App, 'db'> {
  db: Database;
  dir: string;
  outcomes: PollOutcome[];
  dispose(): Promise<void>;
}

/** The real app on a temporary database, allowed to reach the tests' own servers on 127.0.0.1. */
export async function testApp(env: Record<string, string> = {}, options: AppOptions = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'ainews-test-'));
  const config = loadConfig({
    AINEWS_DB: join(dir, 'ainews.db'),
    AINEWS_SEED_DEFAULT_FEEDS: 'false',
    AINEWS_ALLOW_PRIVATE_NETWORK: 'true',
    FETCH_TIMEOUT: '5s',
    ...env,
  });
  const outcomes: PollOutcome[] = [];
  const app = await createApp(config, createLogger('silent'), (outcome) => outcomes.push(outcome), options);
  return {
    ...app,
    db: app.db!,
    dir,
    outcomes,
    async dispose() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The real app on PostgreSQL: on `url`, as another worker sharing that database, or on a new database of
 * its own (test/helpers/postgres.ts; dropped after the file's tests). Its env is testApp's.
 */
export async function postgresApp(url: string, env: Record<string, string> = {}, options: AppOptions = {}, log: Logger = createLogger('silent')): Promise<App> {
  const config = loadConfig({
    AINEWS_DB: url,
    AINEWS_SEED_DEFAULT_FEEDS: 'false',
    AINEWS_ALLOW_PRIVATE_NETWORK: 'true',
    FETCH_TIMEOUT: '5s',
    ...env,
  });
  return createApp(config, log, undefined, options);
}

export function fixture(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url));
}
