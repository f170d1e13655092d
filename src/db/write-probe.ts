import type { Sql } from './sql.ts';

/**
 * Writes the time to one row of `meta`, for /healthz: a database that can still be read but no longer
 * written is not healthy, since every poll and every alert needs to write. On SQLite that is a file
 * read-only, full, or locked by another process past AINEWS_DB_BUSY_TIMEOUT (waiting for the lock blocks
 * the process for up to the busy timeout, as any of its writes would); on PostgreSQL, a server that refuses
 * writes (a read-only standby, a full disk). Throws the database's error when the write fails.
 */
export async function probeWrite(sql: Sql, now: Date): Promise<void> {
  await sql.run("INSERT INTO meta (key, value) VALUES ('health_probed_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [now.toISOString()]);
}
