import type { Migration } from '../migrate.ts';
import { migratePostgres } from './migrate.ts';
import { assertReachable, openPostgres } from './pool.ts';
import { PostgresSql } from './postgres-sql.ts';
import { redactedUrl } from '../../db-location.ts';
import type { OpenedStorage } from '../opened-storage.ts';

/** Connections each worker keeps open at most: polling, processing and delivery run side by side. */
const POOL_SIZE = 10;

/**
 * Opens a pool on the PostgreSQL database at `url` and migrates it. A server that cannot be reached, or
 * refuses the login or the database, is told in one line naming it (without its password). A connection
 * that fails while idle is dropped by the pool and reported to `onIdleError`; the next query opens another.
 */
export async function openPostgresStorage(url: string, onIdleError: (error: Error) => void): Promise<OpenedStorage> {
  const pool = openPostgres(url, { max: POOL_SIZE, onIdleError });
  let applied: Migration[];
  try {
    await assertReachable(pool, url);
    applied = await migratePostgres(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const sql = new PostgresSql(pool);
  let ended: Promise<void> | null = null;
  return {
    kind: 'postgres',
    sql,
    db: null,
    applied,
    where: redactedUrl(url),
    async size() {
      const row = await sql.get<{ bytes: number }>('SELECT pg_database_size(current_database()) AS bytes');
      // PostgreSQL reuses the room of deleted rows after (auto)vacuum; how much there is, it does not cheaply say.
      return { bytes: row?.bytes ?? 0, freeBytes: null };
    },
    async vacuum() {
      // FULL rewrites each table without its dead rows and gives the room back to the disk, as SQLite's VACUUM does.
      await sql.run('VACUUM (FULL, ANALYZE)');
    },
    // The pool ends once the connections lent out are given back: a transaction at work finishes first.
    close: () => (ended ??= pool.end()),
  };
}
