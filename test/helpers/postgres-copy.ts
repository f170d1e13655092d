import { afterAll } from 'vitest';
import { migratePostgres } from '../../src/db/postgres/migrate.ts';
import { exportSqlite } from '../../src/db/postgres/export-sqlite.ts';
import { openPostgres, type Pool } from '../../src/db/postgres/pool.ts';
import type { TestApp } from './app.ts';
import { freshPostgresUrl } from './postgres.ts';

let pool: Pool | null = null;

/**
 * A PostgreSQL database holding what the app's SQLite database holds now, through `ainews export-db`'s copy:
 * a test that stores through the real app on SQLite reads the same data back through a PostgreSQL store.
 * One database per test file, emptied and filled again on each call.
 */
export async function postgresCopyOf(app: Pick<TestApp, 'db'>): Promise<Pool> {
  if (!pool) {
    pool = openPostgres(await freshPostgresUrl());
    await migratePostgres(pool);
  }
  const tables = await pool.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'");
  await pool.query(`TRUNCATE ${tables.rows.map((row) => `"${row.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
  await exportSqlite(app.db, pool, { target: 'the test database' });
  return pool;
}

afterAll(async () => {
  await pool?.end();
  pool = null;
});
