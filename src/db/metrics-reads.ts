import type { Sql } from './sql.ts';

/**
 * What the metrics read from the database: feeds and outbox rows by status, at each scrape (counting
 * them as they happen would drift from the truth after a restart or another process's writes), and when
 * an alerted item came out. The same SQL on both backends.
 */
export class MetricsReads {
  constructor(private readonly sql: Sql) {}

  async feedsByStatus(): Promise<Map<string, number>> {
    return counts(await this.sql.all<{ status: string; n: number }>('SELECT status, count(*) AS n FROM feeds GROUP BY status'));
  }

  async outboxByStatus(): Promise<Map<string, number>> {
    return counts(await this.sql.all<{ status: string; n: number }>('SELECT status, count(*) AS n FROM outbox GROUP BY status'));
  }

  /** When an item was published, or first seen when its feed's date was unusable; null when it is gone. */
  async publishedAt(itemId: number): Promise<Date | null> {
    // An item whose feed gave no usable date (missing, ambiguous, in the future) counts from when it was
    // first seen.
    const row = await this.sql.get<{ at: string }>(
      "SELECT CASE WHEN published_at_source = 'first_seen' THEN first_seen_at ELSE published_at END AS at FROM items WHERE id = ?",
      [itemId],
    );
    return row ? new Date(row.at) : null;
  }
}

function counts(rows: { status: string; n: number }[]): Map<string, number> {
  return new Map(rows.map((row) => [row.status, row.n]));
}
