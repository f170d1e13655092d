import { renameSync, rmSync, statSync } from 'node:fs';
import Sqlite from 'better-sqlite3';

/** Pages per backup step: all of them, so that the copy is made in one read of one snapshot. */
const ALL_PAGES = 0x7fffffff;

export interface BackupResult {
  /** Where the copy is: `target`, or beside it when it failed its integrity check. */
  file: string;
  bytes: number;
  /** What `PRAGMA integrity_check` says of the copy: ["ok"], or the problems it found. */
  integrity: string[];
}

/**
 * Copies the database at `source` to `target` with SQLite's online backup, while other connections and
 * processes go on writing to it. Every page is copied in one step, within one read transaction: in WAL
 * mode that reads one consistent snapshot without holding up writers, where copying page by page would
 * start again each time another process wrote. The copy is written beside the target, made a single
 * self-contained file (rollback journal, no -wal), checked with `PRAGMA integrity_check` opened
 * read-only, and only then renamed over the target. A copy that fails its check is left beside the
 * target for inspection, and the target is not touched.
 */
export async function backupDatabase(source: string, target: string, busyTimeoutMs: number): Promise<BackupResult> {
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  try {
    await copyDatabase(source, partial, busyTimeoutMs);
  } catch (error) {
    // A copy cut short (a full disk, say) is of no use to anyone.
    for (const file of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(file, { force: true });
    throw error;
  }
  const integrity = integrityCheck(partial);
  const ok = integrity.length === 1 && integrity[0] === 'ok';
  if (ok) renameSync(partial, target);
  const file = ok ? target : partial;
  return { file, bytes: statSync(file).size, integrity };
}

async function copyDatabase(source: string, copy: string, busyTimeoutMs: number): Promise<void> {
  const db = new Sqlite(source, { fileMustExist: true, timeout: busyTimeoutMs });
  try {
    await db.backup(copy, { progress: () => ALL_PAGES });
  } finally {
    db.close();
  }
  // The copy comes in WAL mode, like its source: made a single file, it can be copied about on its own.
  const written = new Sqlite(copy, { fileMustExist: true });
  try {
    written.pragma('journal_mode = DELETE');
  } finally {
    written.close();
  }
}

/** `PRAGMA integrity_check` of a database file, opened read-only. */
export function integrityCheck(path: string): string[] {
  const db = new Sqlite(path, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check);
  } finally {
    db.close();
  }
}
