import type { Database, Statement } from 'better-sqlite3';

/** A feed's latest outage, and what was noticed of it (migration 015). */
export interface FeedHealthRow {
  feed_id: number;
  outage_started_at: string;
  /** Null while the outage lasts. */
  recovered_at: string | null;
  noticed_at: string | null;
  /** The channels its notice was queued for (a JSON array). */
  noticed_channels: string | null;
  recovery_noticed_at: string | null;
}

/**
 * Outages per feed: when each began and ended, and which were noticed. Every change is conditional on
 * the state it changes, so that two processes polling the same feed notice an outage once, and its end
 * once; callers run them in the transaction that queues the notices.
 */
export class FeedHealthStore {
  private readonly byFeed: Statement;
  private readonly open: Statement;
  private readonly notice: Statement;
  private readonly close: Statement;

  constructor(db: Database) {
    this.byFeed = db.prepare('SELECT * FROM feed_health WHERE feed_id = ?');
    // A failure opens an outage unless one is open; a new outage forgets what was noticed of the last.
    this.open = db.prepare(
      `INSERT INTO feed_health (feed_id, outage_started_at) VALUES (?, ?)
       ON CONFLICT (feed_id) DO UPDATE SET outage_started_at = excluded.outage_started_at, recovered_at = NULL,
         noticed_at = NULL, noticed_channels = NULL, recovery_noticed_at = NULL
       WHERE feed_health.recovered_at IS NOT NULL`,
    );
    this.notice = db.prepare(
      'UPDATE feed_health SET noticed_at = ?, noticed_channels = ? WHERE feed_id = ? AND recovered_at IS NULL AND noticed_at IS NULL',
    );
    this.close = db.prepare(
      `UPDATE feed_health SET recovered_at = @at, recovery_noticed_at = CASE WHEN noticed_at IS NULL THEN NULL ELSE @at END
       WHERE feed_id = @feedId AND recovered_at IS NULL RETURNING *`,
    );
  }

  /** The feed's outage under way (opened at `at` if there was none). */
  failed(feedId: number, at: Date): FeedHealthRow {
    this.open.run(feedId, at.toISOString());
    return this.byFeed.get(feedId) as FeedHealthRow;
  }

  /** Records the outage noticed in these channels; false when it already was (by this process or another). */
  markNoticed(feedId: number, channels: string[], at: Date): boolean {
    return this.notice.run(at.toISOString(), JSON.stringify(channels), feedId).changes > 0;
  }

  /** Ends the feed's outage, if one is open: returns it as it ends, or null when the feed was well already. */
  recovered(feedId: number, at: Date): FeedHealthRow | null {
    return (this.close.get({ at: at.toISOString(), feedId }) as FeedHealthRow | undefined) ?? null;
  }

  find(feedId: number): FeedHealthRow | undefined {
    return this.byFeed.get(feedId) as FeedHealthRow | undefined;
  }
}

/** The channels an outage's notice was queued for. */
export function noticedChannels(row: Pick<FeedHealthRow, 'noticed_channels'>): string[] {
  return row.noticed_channels ? (JSON.parse(row.noticed_channels) as string[]) : [];
}
