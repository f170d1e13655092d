import type { Database } from 'better-sqlite3';

/**
 * Writes the time to one row of `meta`, for /healthz: a database that can still be read but no longer
 * written (read-only, full, locked by another process past AINEWS_DB_BUSY_TIMEOUT) is not healthy,
 * since every poll and every alert needs to write. Throws the SQLite error when the write fails.
 * Waiting for a lock blocks the process for up to the busy timeout, as any of its writes would.
 */
export function probeWrite(db: Database, now: Date): void {
  db.prepare(
    "INSERT INTO meta (key, value) VALUES ('health_probed_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  ).run(now.toISOString());
}
