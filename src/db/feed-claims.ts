import type { FeedRow } from './feeds.ts';
import type { Sql } from './sql.ts';

/**
 * Due feeds handed out among workers (migration 017). A claim says which worker fetches the feed and until
 * when: no other worker takes it meanwhile, and the claim lapses if that worker dies mid-fetch. On
 * PostgreSQL the due rows are locked FOR UPDATE SKIP LOCKED while they are claimed, so two workers claiming
 * at once take different feeds rather than wait for each other; on SQLite the write lock serialises claims.
 */
export class FeedClaims {
  constructor(private readonly sql: Sql) {}

  /**
   * Claims up to `limit` feeds that are due and not claimed, for `holder` until `until`, the most likely to
   * have news first (as `FeedStore.due` orders them): never polled, then by the items expected since their
   * last poll, then the longest due.
   */
  async claimDue(holder: string, options: { now: Date; until: Date; limit: number }): Promise<FeedRow[]> {
    const now = options.now.toISOString();
    const postgres = this.sql.dialect === 'postgres';
    const daysSincePoll = postgres
      ? 'extract(epoch FROM (?::timestamptz - coalesce(last_polled_at, created_at))) / 86400'
      : 'julianday(?) - julianday(coalesce(last_polled_at, created_at))';
    return this.sql.withTransaction(async (tx) => {
      const picked = await tx.all<{ id: number }>(
        `SELECT id FROM feeds
         WHERE status != 'disabled' AND next_poll_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)
         ORDER BY last_polled_at IS NOT NULL, coalesce(news_rate, 1) * (${daysSincePoll}) DESC, next_poll_at, id
         LIMIT ? ${postgres ? 'FOR UPDATE SKIP LOCKED' : ''}`,
        [now, now, now, options.limit],
      );
      if (picked.length === 0) return [];
      const ids = picked.map((row) => row.id);
      const claimed = await tx.all<FeedRow>(
        `UPDATE feeds SET claimed_by = ?, claimed_until = ? WHERE id IN (${ids.map(() => '?').join(', ')}) RETURNING *`,
        [holder, options.until.toISOString(), ...ids],
      );
      const order = new Map(ids.map((id, i) => [id, i]));
      return claimed.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    });
  }

  /** Ends `holder`'s claims on these feeds: their polls are done (and have set when each is due next). */
  async release(holder: string, feedIds: number[]): Promise<void> {
    if (feedIds.length === 0) return;
    await this.sql.run(`UPDATE feeds SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ? AND id IN (${feedIds.map(() => '?').join(', ')})`, [
      holder,
      ...feedIds,
    ]);
  }
}
