import type { Sql } from './sql.ts';

export type SubscriptionState = 'requested' | 'active' | 'failed' | 'fallback' | 'unsubscribing';

export interface SubscriptionRow {
  id: number;
  feed_id: number | null;
  hub: string;
  topic: string;
  token: string;
  secret: string;
  state: SubscriptionState;
  requested_at: string;
  verified_at: string | null;
  lease_seconds: number | null;
  expires_at: string | null;
  last_push_at: string | null;
  pushes: number;
  last_error: string | null;
  retry_at: string | null;
}

/**
 * `WebSubSubscriptions.due`: whether an active subscription's lease ends within the larger of `?` days and a
 * fifth of the lease, from the instant of the `?` before them; in days, as SQLite's julianday counts them.
 */
const LEASE_ENDING = {
  sqlite: 'julianday(expires_at) - julianday(?) <= max(?, lease_seconds / 86400.0 / 5)',
  // greatest() skips NULLs where SQLite's max() is NULL; lease_seconds is never NULL for an active one.
  postgres: 'extract(epoch FROM (expires_at - ?::timestamptz)) / 86400 <= greatest(?::double precision, lease_seconds / 86400.0 / 5)',
} as const;

const dueSql = (dialect: Sql['dialect']) => `SELECT * FROM websub_subscriptions
  WHERE (state IN ('requested', 'unsubscribing') AND requested_at <= ?)
     OR (state = 'active' AND requested_at <= ? AND ${LEASE_ENDING[dialect]})
     OR (state IN ('failed', 'fallback') AND retry_at <= ? AND feed_id IS NOT NULL)
  ORDER BY id`;

const DUE = { sqlite: dueSql('sqlite'), postgres: dueSql('postgres') } as const;

/** The websub_subscriptions table (migration 016): what each hub was asked, and how it answered. */
export class WebSubSubscriptions {
  constructor(private readonly sql: Sql) {}

  async forFeed(feedId: number): Promise<SubscriptionRow | undefined> {
    return this.sql.get<SubscriptionRow>('SELECT * FROM websub_subscriptions WHERE feed_id = ?', [feedId]);
  }

  async byToken(token: string): Promise<SubscriptionRow | undefined> {
    return this.sql.get<SubscriptionRow>('SELECT * FROM websub_subscriptions WHERE token = ?', [token]);
  }

  async list(): Promise<SubscriptionRow[]> {
    return this.sql.all<SubscriptionRow>('SELECT * FROM websub_subscriptions ORDER BY id');
  }

  /**
   * Records a subscription asked of a hub: a new row, or the feed's row asked again (a renewal, a retry,
   * a new hub). A renewal keeps the row's state until the hub verifies it.
   */
  async requested(feedId: number, fields: { hub: string; topic: string; token: string; secret: string }, now: Date): Promise<SubscriptionRow> {
    const row = await this.sql.get<SubscriptionRow>(
      `INSERT INTO websub_subscriptions (feed_id, hub, topic, token, secret, state, requested_at)
       VALUES (?, ?, ?, ?, ?, 'requested', ?)
       ON CONFLICT (feed_id) DO UPDATE SET
         state = CASE
           WHEN websub_subscriptions.state = 'active' AND websub_subscriptions.hub = excluded.hub AND websub_subscriptions.topic = excluded.topic
           THEN 'active' ELSE 'requested' END,
         hub = excluded.hub, topic = excluded.topic, requested_at = excluded.requested_at, retry_at = NULL
       RETURNING *`,
      [feedId, fields.hub, fields.topic, fields.token, fields.secret, now.toISOString()],
    );
    return row!;
  }

  /** The hub verified the subscription (or its renewal) for `leaseSeconds`. */
  async activated(id: number, leaseSeconds: number, now: Date): Promise<void> {
    await this.sql.run(
      `UPDATE websub_subscriptions SET state = 'active', verified_at = ?, lease_seconds = ?, expires_at = ?, last_error = NULL, retry_at = NULL
       WHERE id = ?`,
      [now.toISOString(), leaseSeconds, new Date(now.getTime() + leaseSeconds * 1000).toISOString(), id],
    );
  }

  /** The hub refused, denied or never verified it: polled as before, asked again at `retryAt`. */
  async failed(id: number, error: string, retryAt: Date): Promise<void> {
    await this.sql.run(
      `UPDATE websub_subscriptions SET state = 'failed', last_error = ?, retry_at = ?, expires_at = NULL WHERE id = ? AND state != 'unsubscribing'`,
      [error, retryAt.toISOString(), id],
    );
  }

  /** Pushes stopped while polls found news: the feed is polled as before, and the hub asked again at `retryAt`. */
  async fellBack(id: number, reason: string, retryAt: Date): Promise<void> {
    await this.sql.run(`UPDATE websub_subscriptions SET state = 'fallback', last_error = ?, retry_at = ? WHERE id = ?`, [reason, retryAt.toISOString(), id]);
  }

  async pushed(id: number, now: Date): Promise<void> {
    await this.sql.run('UPDATE websub_subscriptions SET pushes = pushes + 1, last_push_at = ? WHERE id = ?', [now.toISOString(), id]);
  }

  /** The feed is being removed: its subscription waits for the hub to confirm the unsubscription. */
  async unsubscribing(feedId: number, now: Date): Promise<SubscriptionRow | undefined> {
    return this.sql.get<SubscriptionRow>(
      `UPDATE websub_subscriptions SET state = 'unsubscribing', feed_id = NULL, requested_at = ? WHERE feed_id = ? RETURNING *`,
      [now.toISOString(), feedId],
    );
  }

  async remove(id: number): Promise<void> {
    await this.sql.run('DELETE FROM websub_subscriptions WHERE id = ?', [id]);
  }

  /**
   * Subscriptions that need something done: asked of a hub that has not verified them within
   * `verifyWithinMs`; active ones whose lease ends within `renewWithinMs` (or a fifth of the lease);
   * failed and fallen-back ones due to be asked again.
   */
  async due(now: Date, verifyWithinMs: number, renewWithinMs: number): Promise<SubscriptionRow[]> {
    const at = now.toISOString();
    const verifyBefore = new Date(now.getTime() - verifyWithinMs).toISOString();
    return this.sql.all<SubscriptionRow>(DUE[this.sql.dialect], [verifyBefore, verifyBefore, at, renewWithinMs / 86_400_000, at]);
  }
}
