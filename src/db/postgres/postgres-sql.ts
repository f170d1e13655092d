import type { Pool, PoolClient } from './pool.ts';
import { asTransaction, joinedTransaction, type Params, type Sql } from '../sql.ts';

/**
 * A pool of PostgreSQL connections as the storage port. Statements are written with `?` placeholders, as for
 * SQLite, and numbered here; a transaction takes one connection from the pool for its whole work.
 */
export class PostgresSql implements Sql {
  readonly dialect = 'postgres';

  constructor(private readonly db: Pool | PoolClient, private readonly inTransaction = false) {}

  async all<T>(sql: string, params: Params = []): Promise<T[]> {
    const joined = this.joined();
    if (joined) return joined.all(sql, params);
    return (await this.db.query(numbered(sql), params as unknown[])).rows as T[];
  }

  async get<T>(sql: string, params: Params = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params: Params = []): Promise<{ changes: number }> {
    const joined = this.joined();
    if (joined) return joined.run(sql, params);
    return { changes: (await this.db.query(numbered(sql), params as unknown[])).rowCount ?? 0 };
  }

  /** The transaction of this pool that the running code is part of, when this handle is not already it. */
  private joined(): Sql | undefined {
    return this.inTransaction ? undefined : joinedTransaction(this.db);
  }

  async withTransaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    const joined = this.inTransaction ? this : this.joined();
    if (joined) return work(joined);
    const client = await (this.db as Pool).connect();
    // A connection that cannot even roll back is broken: the pool drops it rather than lend it again.
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await asTransaction(this.db, new PostgresSql(client, true), work);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

const converted = new Map<string, string>();

/** `?` placeholders as PostgreSQL's `$1, $2, …`, leaving quoted text, quoted names and comments alone. */
export function numbered(sql: string): string {
  let result = converted.get(sql);
  if (result !== undefined) return result;
  result = '';
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      result += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      result += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') result += `$${++n}`;
    else result += c;
  }
  converted.set(sql, result);
  return result;
}
