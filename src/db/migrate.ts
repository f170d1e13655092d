import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';
import { UserError } from '../user-error.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export class SchemaTooNewError extends UserError {
  override name = 'SchemaTooNewError';
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .map((file) => /^(\d{3})_([\w-]+)\.sql$/.exec(file))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ version: Number(match[1]), name: match[2]!, sql: readFileSync(`${dir}/${match[0]}`, 'utf8') }))
    .sort((a, b) => a.version - b.version);
}

/**
 * Applies the migrations the database has not seen, each in its own transaction, and records them.
 * A database whose schema is newer than this build knows is refused before anything is touched.
 */
export function migrate(db: Database, migrations: Migration[] = readMigrations()): Migration[] {
  const current = assertKnownSchema(db, migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const pending = migrations.filter((m) => m.version > current);
  for (const migration of pending) {
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    })();
  }
  return pending;
}

/** Reads the schema version without writing anything; refuses a database newer than this build. */
export function assertKnownSchema(db: Database, migrations: Migration[] = readMigrations()): number {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  const current = hasTable ? ((db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0) : 0;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) throw schemaTooNew(current, latest, 'another file');
  return current;
}

/** The refusal of a database a newer ainews has written, on either backend. */
export function schemaTooNew(current: number, latest: number, elsewhere: 'another file' | 'another database'): SchemaTooNewError {
  return new SchemaTooNewError(
    `The database is at schema version ${current}, but this ainews only knows up to version ${latest}. ` +
      `It was written by a newer ainews: upgrade ainews, or point AINEWS_DB at ${elsewhere}.`,
  );
}
