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
   * last poll, then the longest due. With `all`, every feed not disabled and not claimed is due.
   */
  async claimDue(holder: string, options: { now: Date; until: Date; limit: number; all?: boolean }): Promise<FeedRow[]> {
    const now = options.now.toISOString();
    const postgres = this.sql.dialect === 'postgres';
    const daysSincePoll = postgres
      ? 'extract(epoch FROM (?::timestamptz - coalesce(last_polled_at, created_at))) / 86400'
      : 'julianday(?) - julianday(coalesce(last_polled_at, created_at))';
    // One statement, so that the claim is atomic without a transaction held across awaits.
    const claimed = await this.sql.all<FeedRow & { expected: number }>(
      `UPDATE feeds SET claimed_by = ?, claimed_until = ?
       WHERE id IN (
         SELECT id FROM feeds
         WHERE status != 'disabled' AND (next_poll_at <= ? OR ?) AND (claimed_until IS NULL OR claimed_until <= ?)
         ORDER BY last_polled_at IS NOT NULL, coalesce(news_rate, 1) * (${daysSincePoll}) DESC, next_poll_at, id
         LIMIT ? ${postgres ? 'FOR UPDATE SKIP LOCKED' : ''})
       RETURNING *, coalesce(news_rate, 1) * (${daysSincePoll}) AS expected`,
      [holder, options.until.toISOString(), now, options.all ? 1 : 0, now, now, options.limit, now],
    );
    // RETURNING keeps no order: put them back in the order they were picked.
    return claimed
      .sort(
        (a, b) =>
          Number(a.last_polled_at !== null) - Number(b.last_polled_at !== null) ||
          b.expected - a.expected ||
          a.next_poll_at.localeCompare(b.next_poll_at) ||
          a.id - b.id,
      )
      .map(({ expected: _, ...feed }) => feed);
  }

  /** Extends `holder`'s claims still held (feeds its round has not polled yet) to `until`. */
  async renew(holder: string, until: Date): Promise<void> {
    await this.sql.run('UPDATE feeds SET claimed_until = ? WHERE claimed_by = ?', [until.toISOString(), holder]);
  }

  /** How many feeds are due and not claimed. */
  async countDue(now: Date): Promise<number> {
    const at = now.toISOString();
    const row = await this.sql.get<{ n: number }>(
      "SELECT count(*) AS n FROM feeds WHERE status != 'disabled' AND next_poll_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)",
      [at, at],
    );
    return row?.n ?? 0;
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
