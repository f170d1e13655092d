import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Sqlite, { type Database } from 'better-sqlite3';
import { assertKnownSchema, migrate, type Migration } from './migrate.ts';

export type { Database };

export interface OpenedDatabase {
  db: Database;
  applied: Migration[];
}

/**
 * Opens (creating its folder if needed) and migrates the database. A write waits up to `busyTimeoutMs`
 * for another process to release the lock (AINEWS_DB_BUSY_TIMEOUT).
 */
export function openDatabase(path: string, busyTimeoutMs: number): OpenedDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Sqlite(path, { timeout: busyTimeoutMs });
  try {
    assertKnownSchema(db);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    return { db, applied: migrate(db) };
  } catch (error) {
    db.close();
    throw error;
  }
}
