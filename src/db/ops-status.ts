import type { Database } from 'better-sqlite3';

/** What `ainews status` reads that no store already tells: the oldest alert waiting, the LLM's day, the file. */
export class OpsStatus {
  constructor(private readonly db: Database) {}

  /** When the oldest alert still to be sent was queued (the counts by status are MetricsReads'). */
  oldestWaiting(): string | null {
    return this.db
      .prepare("SELECT min(created_at) FROM outbox WHERE kind = 'alert' AND status IN ('pending', 'sending', 'retrying', 'held')")
      .pluck()
      .get() as string | null;
  }

  /** The LLM calls and tokens spent on a UTC day (`YYYY-MM-DD`). */
  llmDay(day: string): { calls: number; tokens: number } {
    return (this.db.prepare('SELECT calls, tokens FROM llm_usage WHERE day = ?').get(day) as { calls: number; tokens: number } | undefined) ?? { calls: 0, tokens: 0 };
  }

  /** The database's size in bytes, as SQLite counts its pages (the WAL aside). */
  bytes(): number {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const size = this.db.pragma('page_size', { simple: true }) as number;
    return pages * size;
  }
}
