import type { Database } from 'better-sqlite3';

/** This installation's id: eight hex digits, made once by migration 006 and kept with the database. */
export function installId(db: Database): string {
  return (db.prepare("SELECT value FROM meta WHERE key = 'install_id'").pluck().get() as string | undefined) ?? '00000000';
}
