import { describePostgresError } from './postgres/errors.ts';

/**
 * What a SQLite or PostgreSQL failure means for whoever runs ainews, or null when it is not one of those
 * they can act on (those are bugs, and keep their stack). Any of these is the storage failing, never a
 * feed's fault or an item's.
 */
export function describeDatabaseError(error: unknown, path = ''): string | null {
  const where = path || '(AINEWS_DB)';
  const code = error && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return describePostgresError(error, where);
  if (code === 'SQLITE_BUSY_SNAPSHOT') return `the database ${where} changed under a read that then tried to write; try again`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return `the database ${where} is busy: another ainews process kept it locked longer than AINEWS_DB_BUSY_TIMEOUT; try again`;
  }
  if (code === 'SQLITE_READONLY_DBMOVED') return `the database ${where} was moved or deleted while ainews had it open: restart ainews`;
  if (code.startsWith('SQLITE_READONLY')) return `the database ${where} is read-only: check the permissions of the file and its folder`;
  if (code === 'SQLITE_FULL') return `the disk holding ${where} is full: free some space, then run ainews again (nothing was half-written)`;
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_NOMEM' || code === 'SQLITE_PROTOCOL') {
    return `the database ${where} could not be read or written (${code}): check the disk, its space and its permissions`;
  }
  if (code.startsWith('SQLITE_CANTOPEN')) return `cannot open the database ${where}: check that its folder exists and is writable`;
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return `the database ${where} is damaged or not an ainews database: restore it from a backup`;
  return null;
}
