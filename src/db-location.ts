import { UserError } from './user-error.ts';

/** Where AINEWS_DB says the data is: a SQLite file (the default), or a PostgreSQL database. */
export type DatabaseLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export class DatabaseLocationError extends UserError {
  override name = 'DatabaseLocationError';
}

const POSTGRES_SCHEME = /^postgres(ql)?:\/\//i;
/** Anything written as a URL: a path never looks like this, so another scheme is a mistake, not a file name. */
const ANY_SCHEME = /^[a-z][a-z\d+.-]*:\/\//i;

/**
 * Reads AINEWS_DB: a `postgres://` or `postgresql://` URL selects PostgreSQL; anything else is the path
 * of a SQLite file, as it always was. A URL of another scheme (a typo such as `postgress://`) is refused
 * rather than taken for a file name and created.
 */
export function databaseLocation(value: string): DatabaseLocation {
  if (POSTGRES_SCHEME.test(value)) {
    if (!isPostgresUrl(value)) throw new DatabaseLocationError(`AINEWS_DB is not a valid PostgreSQL URL (${redactedUrl(value)}): expected postgres://user:password@host:5432/database`);
    return { kind: 'postgres', url: value };
  }
  if (ANY_SCHEME.test(value)) {
    throw new DatabaseLocationError(`AINEWS_DB must be a SQLite file path or a postgres:// URL (got ${redactedUrl(value)})`);
  }
  return { kind: 'sqlite', path: value };
}

/** Whether `value` is a well-formed `postgres://` or `postgresql://` URL. */
export function isPostgresUrl(value: string): boolean {
  return POSTGRES_SCHEME.test(value) && URL.canParse(value);
}

/**
 * A URL fit to print: the password, in the authority or as a `password` parameter, is replaced by ***.
 * Anything that is not a URL comes back as it is.
 */
export function redactedUrl(value: string): string {
  if (!ANY_SCHEME.test(value)) return value;
  if (!URL.canParse(value)) return value.replace(/^([^:]+:\/\/[^:/@]*):[^@]*@/, '$1:***@').replace(/([?&]password=)[^&]*/gi, '$1***');
  const url = new URL(value);
  if (url.password) url.password = '***';
  for (const key of [...url.searchParams.keys()]) {
    if (key.toLowerCase() === 'password') url.searchParams.set(key, '***');
  }
  return url.toString();
}
