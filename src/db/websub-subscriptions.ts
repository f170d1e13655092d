import type { Database } from 'better-sqlite3';

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

/** The websub_subscriptions table (migration 016): what each hub was asked, and how it answered. */
export class WebSubSubscriptions {
  constructor(private readonly db: Database) {}

  forFeed(feedId: number): SubscriptionRow | undefined {
    return this.db.prepare('SELECT * FROM websub_subscriptions WHERE feed_id = ?').get(feedId) as SubscriptionRow | undefined;
  }

  byToken(token: string): SubscriptionRow | undefined {
    return this.db.prepare('SELECT * FROM websub_subscriptions WHERE token = ?').get(token) as SubscriptionRow | undefined;
  }

  list(): SubscriptionRow[] {
    return this.db.prepare('SELECT * FROM websub_subscriptions ORDER BY id').all() as SubscriptionRow[];
  }

  /**
   * Records a subscription asked of a hub: a new row, or the feed's row asked again (a renewal, a retry,
   * a new hub). A renewal keeps the row's state until the hub verifies it.
   */
  requested(feedId: number, fields: { hub: string; topic: string; token: string; secret: string }, now: Date): SubscriptionRow {
    return this.db
      .prepare(
        `INSERT INTO websub_subscriptions (feed_id, hub, topic, token, secret, state, requested_at)
         VALUES (:feedId, :hub, :topic, :token, :secret, 'requested', :now)
         ON CONFLICT (feed_id) DO UPDATE SET
           state = CASE WHEN state = 'active' AND hub = excluded.hub AND topic = excluded.topic THEN 'active' ELSE 'requested' END,
           hub = excluded.hub, topic = excluded.topic, requested_at = excluded.requested_at, retry_at = NULL
         RETURNING *`,
      )
      .get({ feedId, ...fields, now: now.toISOString() }) as SubscriptionRow;
  }

  /** The hub verified the subscription (or its renewal) for `leaseSeconds`. */
  activated(id: number, leaseSeconds: number, now: Date): void {
    this.db
      .prepare(
        `UPDATE websub_subscriptions SET state = 'active', verified_at = ?, lease_seconds = ?, expires_at = ?, last_error = NULL, retry_at = NULL
         WHERE id = ?`,
      )
      .run(now.toISOString(), leaseSeconds, new Date(now.getTime() + leaseSeconds * 1000).toISOString(), id);
  }

  /** The hub refused, denied or never verified it: polled as before, asked again at `retryAt`. */
  failed(id: number, error: string, retryAt: Date): void {
    this.db
      .prepare(`UPDATE websub_subscriptions SET state = 'failed', last_error = ?, retry_at = ?, expires_at = NULL WHERE id = ? AND state != 'unsubscribing'`)
      .run(error, retryAt.toISOString(), id);
  }

  /** Pushes stopped while polls found news: the feed is polled as before, and the hub asked again at `retryAt`. */
  fellBack(id: number, reason: string, retryAt: Date): void {
    this.db.prepare(`UPDATE websub_subscriptions SET state = 'fallback', last_error = ?, retry_at = ? WHERE id = ?`).run(reason, retryAt.toISOString(), id);
  }

  pushed(id: number, now: Date): void {
    this.db.prepare('UPDATE websub_subscriptions SET pushes = pushes + 1, last_push_at = ? WHERE id = ?').run(now.toISOString(), id);
  }

  /** The feed is being removed: its subscription waits for the hub to confirm the unsubscription. */
  unsubscribing(feedId: number, now: Date): SubscriptionRow | undefined {
    return this.db
      .prepare(`UPDATE websub_subscriptions SET state = 'unsubscribing', feed_id = NULL, requested_at = ? WHERE feed_id = ? RETURNING *`)
      .get(now.toISOString(), feedId) as SubscriptionRow | undefined;
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM websub_subscriptions WHERE id = ?').run(id);
  }

  /**
   * Subscriptions that need something done: asked of a hub that has not verified them within
   * `verifyWithinMs`; active ones whose lease ends within `renewWithinMs` (or a fifth of the lease);
   * failed and fallen-back ones due to be asked again.
   */
  due(now: Date, verifyWithinMs: number, renewWithinMs: number): SubscriptionRow[] {
    return this.db
      .prepare(
        `SELECT * FROM websub_subscriptions
         WHERE (state IN ('requested', 'unsubscribing') AND requested_at <= :verifyBefore)
            OR (state = 'active' AND requested_at <= :verifyBefore
                AND julianday(expires_at) - julianday(:now) <= max(:renewDays, lease_seconds / 86400.0 / 5))
            OR (state IN ('failed', 'fallback') AND retry_at <= :now AND feed_id IS NOT NULL)`,
      )
      .all({ now: now.toISOString(), verifyBefore: new Date(now.getTime() - verifyWithinMs).toISOString(), renewDays: renewWithinMs / 86_400_000 }) as SubscriptionRow[];
  }
}
