import type { Database } from 'better-sqlite3';

/** How big the database is, and how much of it is free pages that new rows will reuse. */
export interface StorageSize {
  /** Pages in use or free, times the page size: the main file once the WAL is checkpointed. */
  bytes: number;
  /** Free pages inside it: SQLite reuses them, but does not give them back to the disk without VACUUM. */
  freeBytes: number;
}

export function storageSize(db: Database): StorageSize {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  const free = db.pragma('freelist_count', { simple: true }) as number;
  return { bytes: pages * pageSize, freeBytes: free * pageSize };
}

/**
 * Rewrites the database without its free pages, and gives the space back to the disk: the WAL the
 * rewrite went through is checkpointed into the main file and truncated. Holds the write lock throughout,
 * and needs free disk space about the size of the database.
 */
export function vacuum(db: Database): void {
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
}
