import Sqlite, { type Database } from 'better-sqlite3';

export type FeedStatus = 'ok' | 'failing' | 'disabled';

export interface FeedRow {
  id: number;
  url: string;
  name: string | null;
  interval_seconds: number;
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
}

export interface NewFeed {
  url: string;
  name?: string | null;
  intervalSeconds: number;
}

export interface PollSuccess {
  at: Date;
  nextPollAt: Date;
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
        `INSERT INTO feeds (url, name, interval_seconds, next_poll_at, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (url) DO NOTHING RETURNING *`,
      )
      .get(feed.url, feed.name ?? null, feed.intervalSeconds, now.toISOString(), now.toISOString()) as FeedRow | undefined;
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

  /** Feeds to poll now, oldest due first; with `all`, every feed that is not disabled. */
  due(now: Date, all = false): FeedRow[] {
    const sql = all
      ? `SELECT * FROM feeds WHERE status != 'disabled' ORDER BY next_poll_at`
      : `SELECT * FROM feeds WHERE status != 'disabled' AND next_poll_at <= ? ORDER BY next_poll_at`;
    return (all ? this.db.prepare(sql).all() : this.db.prepare(sql).all(now.toISOString())) as FeedRow[];
  }

  recordSuccess(id: number, poll: PollSuccess): void {
    this.db
      .prepare(
        `UPDATE feeds SET status = 'ok', consecutive_failures = 0, last_error = NULL,
           etag = ?, last_modified = ?, language = coalesce(?, language), name = coalesce(name, ?),
           first_success_at = coalesce(first_success_at, ?),
           last_polled_at = ?, last_success_at = ?, next_poll_at = ?
         WHERE id = ?`,
      )
      .run(
        poll.etag, poll.lastModified, poll.language ?? null, poll.title ?? null,
        poll.at.toISOString(), poll.at.toISOString(), poll.at.toISOString(), poll.nextPollAt.toISOString(), id,
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
