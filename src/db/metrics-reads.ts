import type { Database, Statement } from 'better-sqlite3';

/**
 * What the metrics read from the database: feeds and outbox rows by status, at each scrape (counting
 * them as they happen would drift from the truth after a restart or another process's writes), and when
 * an alerted item came out.
 */
export class MetricsReads {
  private readonly feeds: Statement;
  private readonly outbox: Statement;
  private readonly since: Statement;

  constructor(db: Database) {
    this.feeds = db.prepare('SELECT status, count(*) AS n FROM feeds GROUP BY status');
    this.outbox = db.prepare('SELECT status, count(*) AS n FROM outbox GROUP BY status');
    // An item whose feed gave no usable date (missing, ambiguous, in the future) counts from when it was
    // first seen.
    this.since = db.prepare(
      "SELECT CASE WHEN published_at_source = 'first_seen' THEN first_seen_at ELSE published_at END FROM items WHERE id = ?",
    ).pluck();
  }

  feedsByStatus(): Map<string, number> {
    return counts(this.feeds.all() as { status: string; n: number }[]);
  }

  outboxByStatus(): Map<string, number> {
    return counts(this.outbox.all() as { status: string; n: number }[]);
  }

  /** When an item was published, or first seen when its feed's date was unusable; null when it is gone. */
  publishedAt(itemId: number): Date | null {
    const at = this.since.get(itemId) as string | undefined;
    return at ? new Date(at) : null;
  }
}

function counts(rows: { status: string; n: number }[]): Map<string, number> {
  return new Map(rows.map((row) => [row.status, row.n]));
}
