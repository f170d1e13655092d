import pg from 'pg';
import { redactedUrl } from '../../db-location.ts';
import { UserError } from '../../user-error.ts';

export type { Pool, PoolClient } from 'pg';

/** PostgreSQL's ids of the types whose reading is changed (`SELECT oid, typname FROM pg_type`). */
const OID = {
  bool: 16,
  int8: 20,
  json: 114,
  date: 1082,
  timestamptz: 1184,
  numeric: 1700,
  jsonb: 3802,
  int8Array: 1016,
} as const;

const defaultParser = pg.types.getTypeParser;
const parseTimestamptz = defaultParser(OID.timestamptz) as (text: string) => Date;
// pg's typings list no array types, though pg parses them.
const parseInt8Array = defaultParser(OID.int8Array as number) as (text: string) => (string | null)[];
const asIs = (text: string) => text;

/**
 * How values are read, so that a row reads as the same row does from SQLite (the stores' row types
 * are SQLite's): ids and counts are numbers, not strings (no id or count comes near 2^53); sums over
 * bigint, which PostgreSQL makes numeric, are numbers too; an instant is the ISO 8601 string ainews
 * wrote, not a Date; a day is 'YYYY-MM-DD' (the default parser would make it a Date at local midnight);
 * a boolean, a column or `EXISTS (…)` alike, is 1 or 0; JSON is the text, parsed by the store that
 * knows its shape.
 */
const PARSERS = new Map<number, (text: string) => unknown>([
  [OID.int8, Number],
  [OID.numeric, Number],
  [OID.int8Array, (text) => parseInt8Array(text).map((id) => (id === null ? null : Number(id)))],
  [OID.timestamptz, (text) => parseTimestamptz(text).toISOString()],
  [OID.date, asIs],
  [OID.bool, (text) => (text === 't' ? 1 : 0)],
  [OID.json, asIs],
  [OID.jsonb, asIs],
]);

/** Only this pool's clients read values this way; other users of `pg` in the process are untouched. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    (format ?? 'text') === 'text' ? (PARSERS.get(oid) ?? defaultParser(oid, format)) : defaultParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface PostgresOptions {
  /** Connections kept open at most (pg's default is 10). */
  max?: number;
  /**
   * Called with the error of a connection that failed while idle in the pool (the server restarted, the
   * network dropped it). The pool has already discarded it; without a handler, the error would end the
   * process.
   */
  onIdleError?: (error: Error) => void;
}

/**
 * A pool of connections to the database at `url`, named 'ainews' in pg_stat_activity. Sessions run in
 * UTC, as SQLite's date functions do, so that casts to date and times written without an offset mean
 * the same on both backends (an `options` parameter in the URL replaces this).
 */
export function openPostgres(url: string, options: PostgresOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    application_name: 'ainews',
    options: '-c TimeZone=UTC',
    types,
    max: options.max,
  });
  if (options.onIdleError) pool.on('error', options.onIdleError);
  return pool;
}

export class PostgresUnreachableError extends UserError {
  override name = 'PostgresUnreachableError';
}

/**
 * Opens a pool on `url`, runs `work` with it and closes it: for a command that does one thing and exits.
 * A server that cannot be reached, or refuses the login or the database, is told in one line that names
 * it (without its password) before `work` starts.
 */
export async function withPostgres<T>(url: string, work: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = openPostgres(url, { max: 2 });
  try {
    await assertReachable(pool, url);
    return await work(pool);
  } finally {
    await pool.end();
  }
}

/**
 * Makes a first connection: a server that cannot be reached, or refuses the login or the database, is
 * told in one line that names it (without its password).
 */
export async function assertReachable(pool: pg.Pool, url: string): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    throw new PostgresUnreachableError(`cannot use the PostgreSQL database at ${redactedUrl(url)}: ${connectionReason(error)}`, { cause: error });
  }
}

/** Why a connection failed, in words: Node reports a host with several addresses as an AggregateError without a message. */
export function connectionReason(error: unknown): string {
  if (error instanceof AggregateError && !error.message) return error.errors.map(connectionReason).join('; ');
  if (error instanceof Error) return error.message || String((error as { code?: unknown }).code ?? error.name);
  return String(error);
}
