import Sqlite, { type Database } from 'better-sqlite3';

export type FeedStatus = 'ok' | 'failing' | 'disabled';
export type IntervalMode = 'fixed' | 'adaptive';

export interface FeedRow {
  id: number;
  url: string;
  name: string | null;
  /** The fixed interval, or the one the last poll chose for an adaptive feed. */
  interval_seconds: number;
  interval_mode: IntervalMode;
  /** Why the feed is polled at this interval, in words (null before its first poll). */
  interval_reason: string | null;
  /** The new items an hour it was expected to bring when last polled; null before. */
  news_rate: number | null;
  /** What it costs in requests under the square-root rule (the mean of √rate over the week). */
  request_weight: number | null;
  status: FeedStatus;
  consecutive_failures: number;
  last_error: string | null;
  etag: string | null;
  last_modified: string | null;
  language: string | null;
  first_success_at: string | null;
  last_polled_at: string | null;
  last_success_at: string | null;
  next_poll_at: string;
  created_at: string;
  /** The worker fetching it now, and until when it may (migration 017); null when none is. */
  claimed_by: string | null;
  claimed_until: string | null;
}

export interface NewFeed {
  url: string;
  name?: string | null;
  intervalSeconds: number;
  /** Adaptive unless said otherwise: `--every` makes it fixed. */
  intervalMode?: IntervalMode;
}

/** When a feed is polled next, and why. */
export interface PollPlan {
  nextPollAt: Date;
  intervalSeconds: number;
  reason: string;
  newsRate: number | null;
  requestWeight: number | null;
}

export interface PollSuccess {
  at: Date;
  plan: PollPlan;
  etag: string | null;
  lastModified: string | null;
  language?: string | null;
  title?: string | null;
}

export interface PollFailure {
  at: Date;
  error: string;
  /** When null, the feed is disabled and no longer polled. */
  nextPollAt: Date | null;
}

/** The feeds table: what is polled, how often, and how the last polls went. */
export class FeedStore {
  constructor(private readonly db: Database) {}

  /** Adds a feed, due at once; `created` is false (and nothing changes) when the URL is already there. */
  add(feed: NewFeed, now = new Date()): { feed: FeedRow; created: boolean } {
    const inserted = this.db
      .prepare(
        `INSERT INTO feeds (url, name, interval_seconds, interval_mode, next_poll_at, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (url) DO NOTHING RETURNING *`,
      )
      .get(feed.url, feed.name ?? null, feed.intervalSeconds, feed.intervalMode ?? 'adaptive', now.toISOString(), now.toISOString()) as FeedRow | undefined;
    if (inserted) return { feed: inserted, created: true };
    return { feed: this.find(feed.url)!, created: false };
  }

  list(): FeedRow[] {
    return this.db.prepare('SELECT * FROM feeds ORDER BY id').all() as FeedRow[];
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM feeds').get() as { n: number }).n;
  }

  /** Finds a feed by numeric id or by URL. */
  find(idOrUrl: string | number): FeedRow | undefined {
    if (typeof idOrUrl === 'number' || /^\d+$/.test(idOrUrl)) {
      return this.db.prepare('SELECT * FROM feeds WHERE id = ?').get(Number(idOrUrl)) as FeedRow | undefined;
    }
    return this.db.prepare('SELECT * FROM feeds WHERE url = ?').get(idOrUrl) as FeedRow | undefined;
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM feeds WHERE id = ?').run(id);
  }

  /**
   * Feeds to poll now (with `all`, every feed that is not disabled), the most likely to have news first:
   * those never polled, then by the items expected since their last poll (their rate then, times the
   * hours since; a fixed feed counts one an hour), then the longest due.
   */
  due(now: Date, all = false): FeedRow[] {
    const sql = `SELECT * FROM feeds WHERE status != 'disabled' ${all ? '' : 'AND next_poll_at <= :now'}
      ORDER BY last_polled_at IS NOT NULL,
        coalesce(news_rate, 1) * (julianday(:now) - julianday(coalesce(last_polled_at, created_at))) DESC,
        next_poll_at`;
    return this.db.prepare(sql).all({ now: now.toISOString() }) as FeedRow[];
  }

  /** When the next feed is due (null when none is scheduled). */
  nextDueAt(): Date | null {
    const at = this.db.prepare(`SELECT min(next_poll_at) FROM feeds WHERE status != 'disabled'`).pluck().get() as string | null;
    return at ? new Date(at) : null;
  }

  /** When feeds were last polled, for those polled since `since` (each feed once, at its last poll). */
  polledSince(since: Date): Date[] {
    const times = this.db.prepare('SELECT last_polled_at FROM feeds WHERE last_polled_at >= ?').pluck().all(since.toISOString()) as string[];
    return times.map((at) => new Date(at));
  }

  /** What the adaptive feeds cost in requests together, for sharing requests out (src/polling/interval.ts). */
  requestWeights(): { sum: number; feeds: number } {
    return this.db
      .prepare(`SELECT coalesce(sum(coalesce(request_weight, 1)), 0) AS sum, count(*) AS feeds FROM feeds WHERE interval_mode = 'adaptive' AND status != 'disabled'`)
      .get() as { sum: number; feeds: number };
  }

  /** Makes the feed fixed at an interval, or adaptive (null); it is due at once, to be planned anew. */
  setInterval(id: number, fixedSeconds: number | null, now = new Date()): void {
    this.db
      .prepare(
        `UPDATE feeds SET interval_mode = ?, interval_seconds = coalesce(?, interval_seconds), interval_reason = NULL,
           next_poll_at = min(next_poll_at, ?) WHERE id = ?`,
      )
      .run(fixedSeconds === null ? 'adaptive' : 'fixed', fixedSeconds, now.toISOString(), id);
  }

  recordSuccess(id: number, poll: PollSuccess): void {
    this.db
      .prepare(
        `UPDATE feeds SET status = 'ok', consecutive_failures = 0, last_error = NULL,
           etag = ?, last_modified = ?, language = coalesce(?, language), name = coalesce(name, ?),
           first_success_at = coalesce(first_success_at, ?),
           last_polled_at = ?, last_success_at = ?, next_poll_at = ?,
           interval_seconds = ?, interval_reason = ?, news_rate = ?, request_weight = coalesce(?, request_weight)
         WHERE id = ?`,
      )
      .run(
        poll.etag, poll.lastModified, poll.language ?? null, poll.title ?? null,
        poll.at.toISOString(), poll.at.toISOString(), poll.at.toISOString(), poll.plan.nextPollAt.toISOString(),
        poll.plan.intervalSeconds, poll.plan.reason, poll.plan.newsRate, poll.plan.requestWeight, id,
      );
  }

  /** Counts a failure and schedules the retry, or disables the feed. */
  recordFailure(id: number, failure: PollFailure): void {
    this.db
      .prepare(
        `UPDATE feeds SET consecutive_failures = consecutive_failures + 1, last_error = ?, last_polled_at = ?,
           status = CASE WHEN ? IS NULL THEN 'disabled' ELSE 'failing' END,
           next_poll_at = coalesce(?, next_poll_at)
         WHERE id = ?`,
      )
      .run(failure.error, failure.at.toISOString(), failure.nextPollAt?.toISOString() ?? null, failure.nextPollAt?.toISOString() ?? null, id);
  }

  /** Follows a permanent redirect; refused (false) when another feed already has that URL. */
  moveTo(id: number, url: string): boolean {
    return this.db.prepare('UPDATE OR IGNORE feeds SET url = ? WHERE id = ?').run(url, id).changes > 0;
  }

  /** Puts a disabled feed back on the schedule. */
  enable(id: number, now = new Date()): void {
    this.db
      .prepare(`UPDATE feeds SET status = 'ok', consecutive_failures = 0, last_error = NULL, next_poll_at = ? WHERE id = ?`)
      .run(now.toISOString(), id);
  }
}

/**
 * The URLs of the feeds in the database file at `path`, read without writing to it (nor migrating it);
 * throws when the file is missing or is not an ainews database.
 */
export function readFeedUrls(path: string): string[] {
  const db = new Sqlite(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT url FROM feeds').pluck().all() as string[];
  } finally {
    db.close();
  }
}
