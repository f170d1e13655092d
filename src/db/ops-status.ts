import type { Sql } from './sql.ts';

/** The database's size in bytes: SQLite's pages (the WAL aside), PostgreSQL's database on disk. */
const BYTES = {
  sqlite: 'SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()',
  postgres: 'SELECT pg_database_size(current_database()) AS bytes',
} as const;

/** What `ainews status` reads that no store already tells: the oldest alert waiting, the LLM's day, the database's size. */
export class OpsStatus {
  constructor(private readonly sql: Sql) {}

  /** When the oldest alert still to be sent was queued (the counts by status are MetricsReads'). */
  async oldestWaiting(): Promise<string | null> {
    const row = await this.sql.get<{ at: string | null }>(
      "SELECT min(created_at) AS at FROM outbox WHERE kind = 'alert' AND status IN ('pending', 'sending', 'retrying', 'held')",
    );
    return row?.at ?? null;
  }

  /** The LLM calls and tokens spent on a UTC day (`YYYY-MM-DD`). */
  async llmDay(day: string): Promise<{ calls: number; tokens: number }> {
    return (await this.sql.get<{ calls: number; tokens: number }>('SELECT calls, tokens FROM llm_usage WHERE day = ?', [day])) ?? { calls: 0, tokens: 0 };
  }

  /** The database's size in bytes: as SQLite counts its pages (the WAL aside), or as PostgreSQL counts the database's files. */
  async bytes(): Promise<number> {
    return (await this.sql.get<{ bytes: number }>(BYTES[this.sql.dialect]))!.bytes;
  }
}
