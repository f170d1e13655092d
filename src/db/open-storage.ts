import { databaseLocation } from '../db-location.ts';
import { openDatabase } from './open.ts';
import { openPostgresStorage } from './postgres/postgres-storage.ts';
import type { OpenedStorage } from './opened-storage.ts';
import { SqliteSql } from './sql.ts';
import { storageSize, vacuum } from './storage.ts';

export type { OpenedStorage, StorageSizes } from './opened-storage.ts';

export interface StorageOptions {
  /** How long a SQLite write waits for another process's lock (AINEWS_DB_BUSY_TIMEOUT). */
  busyTimeoutMs: number;
  /** Told when an idle PostgreSQL connection fails (the pool drops it and opens another when needed). */
  onIdleError: (error: Error) => void;
}

/** Opens AINEWS_DB: a SQLite file (created if needed), or a PostgreSQL database at a `postgres://` URL. */
export async function openStorage(value: string, options: StorageOptions): Promise<OpenedStorage> {
  const location = databaseLocation(value);
  if (location.kind === 'postgres') return openPostgresStorage(location.url, options.onIdleError);
  const { db, applied } = openDatabase(location.path, options.busyTimeoutMs);
  const sql = SqliteSql.open(db);
  return {
    kind: 'sqlite',
    sql,
    db,
    applied,
    where: location.path,
    size: async () => storageSize(db),
    vacuum: async () => vacuum(db),
    close: async () => {
      // A transaction still at work is let finish, not rolled back by the close.
      await sql.whenIdle(() => db.open && db.close());
    },
  };
}
