import pg from 'pg';
import { openPostgres } from '../../src/db/postgres/pool.ts';
import { afterAll, describe } from 'vitest';

/**
 * The PostgreSQL the backend's suites run against: a server for throwaway databases (`npm run pg:start`
 * prints one; `.ci/run` starts one and sets it). Unset, those suites are skipped, and say so in their name.
 */
export const TEST_POSTGRES_URL = process.env.AINEWS_TEST_POSTGRES_URL || undefined;

if (!TEST_POSTGRES_URL && process.env.CI) {
  throw new Error('CI must test the PostgreSQL backend: AINEWS_TEST_POSTGRES_URL is unset (.ci/run sets it).');
}

/** `describe` for a PostgreSQL suite: skipped, saying why, when AINEWS_TEST_POSTGRES_URL is unset. */
export function describePostgres(name: string, suite: () => void): void {
  if (TEST_POSTGRES_URL) describe(`${name} (PostgreSQL)`, suite);
  else describe.skip(`${name} (PostgreSQL: skipped, AINEWS_TEST_POSTGRES_URL is unset)`, suite);
}

const created: string[] = [];

/**
 * A new, empty database on the test server, dropped after the file's tests: each suite (and each test
 * that asks) starts from nothing, and several test files run side by side.
 */
export async function freshPostgresUrl(): Promise<string> {
  if (!TEST_POSTGRES_URL) throw new Error('AINEWS_TEST_POSTGRES_URL is unset');
  const name = `ainews_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await onServer((client) => client.query(`CREATE DATABASE ${name}`));
  created.push(name);
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

afterAll(async () => {
  const names = created.splice(0);
  if (names.length === 0) return;
  await onServer(async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
});

const pools: pg.Pool[] = [];

/** ainews's pool on a test database, ended after the file's tests. */
export function testPool(url: string): pg.Pool {
  const pool = openPostgres(url);
  pools.push(pool);
  return pool;
}

afterAll(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.end()));
});

async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Another session holding rows locked: `lock` runs in a transaction of its own and keeps its locks until
 * `release`. With `waiters`, a test sees when the sessions it set going are all stuck behind a lock
 * (this one's, or each other's), so that it can release them at a moment it chose rather than by timing.
 */
export async function lockedRows(url: string, lock: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query(lock, params);
  return {
    /** Waits until `count` other sessions of this database wait for a lock. */
    async waiters(count: number): Promise<void> {
      for (;;) {
        // Inside a transaction, pg_stat_activity is read once and kept: cleared, it is read afresh.
        await client.query('SELECT pg_stat_clear_snapshot()');
        const { rows } = await client.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
        );
        if (Number(rows[0]!.n) >= count) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async release(): Promise<void> {
      await client.query('COMMIT');
      await client.end();
    },
  };
}
