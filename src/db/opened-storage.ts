import type { Database } from 'better-sqlite3';
import type { Migration } from './migrate.ts';
import type { Sql } from './sql.ts';

/** How big the database is, and how much of it is room that new rows will reuse (null where unknown). */
export interface StorageSizes {
  bytes: number;
  freeBytes: number | null;
}

/** The database AINEWS_DB names, opened and migrated, with what differs between the two backends. */
export interface OpenedStorage {
  kind: 'sqlite' | 'postgres';
  /** The storage port: every store is built on it. */
  sql: Sql;
  /** The SQLite connection, for what only SQLite has (backups, FTS5 reads); null on PostgreSQL. */
  db: Database | null;
  /** Migrations this start applied (empty when the database was up to date). */
  applied: Migration[];
  /** The file, or the URL without its password: for messages. */
  where: string;
  size(): Promise<StorageSizes>;
  /** Gives the room of deleted rows back to the disk (SQLite's VACUUM, PostgreSQL's VACUUM FULL). */
  vacuum(): Promise<void>;
  close(): Promise<void>;
}
