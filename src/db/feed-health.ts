import type { Sql } from './sql.ts';

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

// A failure opens an outage unless one is open; a new outage forgets what was noticed of the last.
const OPEN = `INSERT INTO feed_health (feed_id, outage_started_at) VALUES (?, ?)
  ON CONFLICT (feed_id) DO UPDATE SET outage_started_at = excluded.outage_started_at, recovered_at = NULL,
    noticed_at = NULL, noticed_channels = NULL, recovery_noticed_at = NULL
  WHERE feed_health.recovered_at IS NOT NULL`;

// The recovery is noticed only when the outage was. The CASE's NULL is noticed_at itself, which is NULL
// there: a typed NULL, so that PostgreSQL types the CASE as an instant rather than text.
const CLOSE = `UPDATE feed_health SET recovered_at = ?, recovery_noticed_at = CASE WHEN noticed_at IS NULL THEN noticed_at ELSE ? END
  WHERE feed_id = ? AND recovered_at IS NULL RETURNING *`;

/**
 * Outages per feed: when each began and ended, and which were noticed. Every change is conditional on
 * the state it changes, so that two processes polling the same feed notice an outage once, and its end
 * once; callers run them in the transaction that queues the notices. The same SQL on both backends.
 */
export class FeedHealthStore {
  constructor(private readonly sql: Sql) {}

  /** The feed's outage under way (opened at `at` if there was none). */
  async failed(feedId: number, at: Date): Promise<FeedHealthRow> {
    await this.sql.run(OPEN, [feedId, at.toISOString()]);
    return (await this.find(feedId))!;
  }

  /** Records the outage noticed in these channels; false when it already was (by this process or another). */
  async markNoticed(feedId: number, channels: string[], at: Date): Promise<boolean> {
    const { changes } = await this.sql.run(
      'UPDATE feed_health SET noticed_at = ?, noticed_channels = ? WHERE feed_id = ? AND recovered_at IS NULL AND noticed_at IS NULL',
      [at.toISOString(), JSON.stringify(channels), feedId],
    );
    return changes > 0;
  }

  /** Ends the feed's outage, if one is open: returns it as it ends, or null when the feed was well already. */
  async recovered(feedId: number, at: Date): Promise<FeedHealthRow | null> {
    return (await this.sql.get<FeedHealthRow>(CLOSE, [at.toISOString(), at.toISOString(), feedId])) ?? null;
  }

  async find(feedId: number): Promise<FeedHealthRow | undefined> {
    return this.sql.get<FeedHealthRow>('SELECT * FROM feed_health WHERE feed_id = ?', [feedId]);
  }
}

/** The channels an outage's notice was queued for. */
export function noticedChannels(row: Pick<FeedHealthRow, 'noticed_channels'>): string[] {
  return row.noticed_channels ? (JSON.parse(row.noticed_channels) as string[]) : [];
}
