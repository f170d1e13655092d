import type { Pool, PoolClient } from 'pg';
import { MIGRATIONS_DIR, readMigrations, schemaTooNew, type Migration } from '../migrate.ts';

/** PostgreSQL's own numbered migrations, beside SQLite's: the two schemas are written each in its dialect. */
export const POSTGRES_MIGRATIONS_DIR = `${MIGRATIONS_DIR}postgres`;

export function readPostgresMigrations(): Migration[] {
  return readMigrations(POSTGRES_MIGRATIONS_DIR);
}

/**
 * The advisory lock migrations are applied under (any fixed number; this one spells "ainews"). Several
 * workers starting at once against one database queue on it: the first applies what is pending, the
 * others then find nothing left to do.
 */
const MIGRATION_LOCK = '107083380521843';

/**
 * Applies the migrations the database has not seen, each in its own transaction, and records them in
 * schema_migrations. A database whose schema is newer than this build knows is refused before anything
 * is touched. A migration must not BEGIN or COMMIT itself: it runs inside the runner's transaction.
 */
export async function migratePostgres(pool: Pool, migrations: Migration[] = readPostgresMigrations()): Promise<Migration[]> {
  const client = await pool.connect();
  try {
    await assertKnownPostgresSchema(client, migrations);
    const applied: Migration[] = [];
    for (const migration of migrations) {
      if (await applyOne(client, migration, migrations)) applied.push(migration);
    }
    client.release();
    return applied;
  } catch (error) {
    // The connection may be the reason (or be left mid-transaction): it is closed, not put back.
    client.release(true);
    throw error;
  }
}

/** Applies one migration unless the database has it already; whether it did. */
async function applyOne(client: PoolClient, migration: Migration, migrations: Migration[]): Promise<boolean> {
  await client.query('BEGIN');
  try {
    // Held to the end of this transaction: whoever waited for it reads the version this one leaves.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`);
    // Read again under the lock: another worker may have migrated while this one waited.
    const current = await assertKnownPostgresSchema(client, migrations);
    if (migration.version <= current) {
      await client.query('COMMIT');
      return false;
    }
    await client.query(migration.sql);
    await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())', [migration.version, migration.name]);
    await client.query('COMMIT');
    return true;
  } catch (error) {
    // A failed ROLLBACK (the connection is gone) must not hide why the migration failed.
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Reads the schema version without writing anything; refuses a database newer than this build. */
export async function assertKnownPostgresSchema(client: Pool | PoolClient, migrations: Migration[] = readPostgresMigrations()): Promise<number> {
  const { rows: tables } = await client.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS found");
  const current = tables[0].found
    ? ((await client.query<{ version: number }>('SELECT coalesce(max(version), 0) AS version FROM schema_migrations')).rows[0]?.version ?? 0)
    : 0;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) throw schemaTooNew(current, latest, 'another database');
  return current;
}
