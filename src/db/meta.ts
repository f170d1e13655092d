import type { Database } from 'better-sqlite3';

/** This installation's id: eight hex digits, made once by migration 006 and kept with the database. */
export function installId(db: Database): string {
  return (db.prepare("SELECT value FROM meta WHERE key = 'install_id'").pluck().get() as string | undefined) ?? '00000000';
}

/** When the daily prune last finished here, so that restarting the bot does not put it off by a day. */
export function lastPruneAt(db: Database): Date | null {
  const at = db.prepare("SELECT value FROM meta WHERE key = 'last_prune_at'").pluck().get() as string | undefined;
  return at ? new Date(at) : null;
}

export function recordPrune(db: Database, at: Date): void {
  db.prepare("INSERT INTO meta (key, value) VALUES ('last_prune_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(at.toISOString());
}
