import type { Sql } from './sql.ts';

/** The statements that take a list of ids: JSON text on SQLite, an array on PostgreSQL. */
const SQLITE = {
  set: 'UPDATE items SET summary_pending = true WHERE id IN (SELECT value FROM json_each(?))',
  clear: 'UPDATE items SET summary_pending = false WHERE id IN (SELECT value FROM json_each(?))',
  list: (ids: number[]): unknown => JSON.stringify(ids),
};

const POSTGRES: typeof SQLITE = {
  set: 'UPDATE items SET summary_pending = true WHERE id = ANY(?::bigint[])',
  clear: 'UPDATE items SET summary_pending = false WHERE id = ANY(?::bigint[])',
  list: (ids) => ids,
};

/**
 * The marks on items whose LLM summary is on its way (`items.summary_pending`): their alerts wait for it,
 * up to LLM_ALERT_WAIT (see Outbox.claim).
 */
export class SummaryPending {
  private readonly dialect: typeof SQLITE;

  constructor(private readonly sql: Sql) {
    this.dialect = sql.dialect === 'postgres' ? POSTGRES : SQLITE;
  }

  async mark(ids: number[]): Promise<void> {
    if (ids.length) await this.sql.run(this.dialect.set, [this.dialect.list(ids)]);
  }

  async clear(ids: number[]): Promise<void> {
    if (ids.length) await this.sql.run(this.dialect.clear, [this.dialect.list(ids)]);
  }

  /** Clears the marks of items first seen before `before`. */
  async clearSeenBefore(before: Date): Promise<void> {
    await this.sql.run('UPDATE items SET summary_pending = false WHERE summary_pending = true AND first_seen_at < ?', [before.toISOString()]);
  }
}
