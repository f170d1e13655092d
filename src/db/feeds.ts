import Sqlite from 'better-sqlite3';
import type { Sql } from './sql.ts';

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

/** The days since a feed was last polled (or added), at the instant of the `?`, per dialect. */
const DAYS_SINCE_POLL = {
  sqlite: 'julianday(?) - julianday(coalesce(last_polled_at, created_at))',
  postgres: 'extract(epoch FROM (?::timestamptz - coalesce(last_polled_at, created_at))) / 86400',
} as const;

/** `FeedStore.due`: feeds due at `?` (or, for `all`, every feed not disabled), ordered by the expected news at `?`. */
const dueSql = (dialect: Sql['dialect'], all: boolean) =>
  `SELECT * FROM feeds WHERE status != 'disabled' ${all ? '' : 'AND next_poll_at <= ?'}
   ORDER BY last_polled_at IS NOT NULL, coalesce(news_rate, 1) * (${DAYS_SINCE_POLL[dialect]}) DESC, next_poll_at, id`;

const DUE = {
  sqlite: { due: dueSql('sqlite', false), all: dueSql('sqlite', true) },
  postgres: { due: dueSql('postgres', false), all: dueSql('postgres', true) },
} as const;

/** `FeedStore.setInterval`: the earlier of the feed's next poll and now is SQLite's scalar min, PostgreSQL's least. */
const SET_INTERVAL = {
  sqlite: `UPDATE feeds SET interval_mode = ?, interval_seconds = coalesce(?, interval_seconds), interval_reason = NULL,
             next_poll_at = min(next_poll_at, ?) WHERE id = ?`,
  postgres: `UPDATE feeds SET interval_mode = ?, interval_seconds = coalesce(?, interval_seconds), interval_reason = NULL,
               next_poll_at = least(next_poll_at, ?::timestamptz) WHERE id = ?`,
} as const;

/** The feeds table: what is polled, how often, and how the last polls went. */
export class FeedStore {
  constructor(private readonly sql: Sql) {}

  /** Adds a feed, due at once; `created` is false (and nothing changes) when the URL is already there. */
  async add(feed: NewFeed, now = new Date()): Promise<{ feed: FeedRow; created: boolean }> {
    const inserted = await this.sql.get<FeedRow>(
      `INSERT INTO feeds (url, name, interval_seconds, interval_mode, next_poll_at, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (url) DO NOTHING RETURNING *`,
      [feed.url, feed.name ?? null, feed.intervalSeconds, feed.intervalMode ?? 'adaptive', now.toISOString(), now.toISOString()],
    );
    if (inserted) return { feed: inserted, created: true };
    return { feed: (await this.find(feed.url))!, created: false };
  }

  async list(): Promise<FeedRow[]> {
    return this.sql.all<FeedRow>('SELECT * FROM feeds ORDER BY id');
  }

  async count(): Promise<number> {
    return (await this.sql.get<{ n: number }>('SELECT count(*) AS n FROM feeds'))!.n;
  }

  /** Finds a feed by numeric id or by URL. */
  async find(idOrUrl: string | number): Promise<FeedRow | undefined> {
    if (typeof idOrUrl === 'number' || /^\d+$/.test(idOrUrl)) {
      // An id too long to be one is no feed's (PostgreSQL would refuse it as out of range).
      const id = Number(idOrUrl);
      return Number.isSafeInteger(id) ? this.sql.get<FeedRow>('SELECT * FROM feeds WHERE id = ?', [id]) : undefined;
    }
    return this.sql.get<FeedRow>('SELECT * FROM feeds WHERE url = ?', [idOrUrl]);
  }

  async remove(id: number): Promise<void> {
    await this.sql.run('DELETE FROM feeds WHERE id = ?', [id]);
  }

  /**
   * Feeds to poll now (with `all`, every feed that is not disabled), the most likely to have news first:
   * those never polled, then by the items expected since their last poll (their rate then, times the
   * hours since; a fixed feed counts one an hour), then the longest due (as `FeedClaims.claimDue` orders them).
   */
  async due(now: Date, all = false): Promise<FeedRow[]> {
    const at = now.toISOString();
    return this.sql.all<FeedRow>(DUE[this.sql.dialect][all ? 'all' : 'due'], all ? [at] : [at, at]);
  }

  /** When the next feed is due (null when none is scheduled). */
  async nextDueAt(): Promise<Date | null> {
    const row = await this.sql.get<{ at: string | null }>(`SELECT min(next_poll_at) AS at FROM feeds WHERE status != 'disabled'`);
    return row?.at ? new Date(row.at) : null;
  }

  /** When feeds were last polled, for those polled since `since` (each feed once, at its last poll). */
  async polledSince(since: Date): Promise<Date[]> {
    const rows = await this.sql.all<{ last_polled_at: string }>('SELECT last_polled_at FROM feeds WHERE last_polled_at >= ?', [since.toISOString()]);
    return rows.map((row) => new Date(row.last_polled_at));
  }

  /** What the adaptive feeds cost in requests together, for sharing requests out (src/polling/interval.ts). */
  async requestWeights(): Promise<{ sum: number; feeds: number }> {
    return (await this.sql.get<{ sum: number; feeds: number }>(
      `SELECT coalesce(sum(coalesce(request_weight, 1)), 0) AS sum, count(*) AS feeds FROM feeds WHERE interval_mode = 'adaptive' AND status != 'disabled'`,
    ))!;
  }

  /** Makes the feed fixed at an interval, or adaptive (null); it is due at once, to be planned anew. */
  async setInterval(id: number, fixedSeconds: number | null, now = new Date()): Promise<void> {
    await this.sql.run(SET_INTERVAL[this.sql.dialect], [fixedSeconds === null ? 'adaptive' : 'fixed', fixedSeconds, now.toISOString(), id]);
  }

  async recordSuccess(id: number, poll: PollSuccess): Promise<void> {
    await this.sql.run(
      `UPDATE feeds SET status = 'ok', consecutive_failures = 0, last_error = NULL,
         etag = ?, last_modified = ?, language = coalesce(?, language), name = coalesce(name, ?),
         first_success_at = coalesce(first_success_at, ?),
         last_polled_at = ?, last_success_at = ?, next_poll_at = ?,
         interval_seconds = ?, interval_reason = ?, news_rate = ?, request_weight = coalesce(?, request_weight)
       WHERE id = ?`,
      [
        poll.etag, poll.lastModified, poll.language ?? null, poll.title ?? null,
        poll.at.toISOString(), poll.at.toISOString(), poll.at.toISOString(), poll.plan.nextPollAt.toISOString(),
        poll.plan.intervalSeconds, poll.plan.reason, poll.plan.newsRate, poll.plan.requestWeight, id,
      ],
    );
  }

  /** Counts a failure and schedules the retry, or disables the feed. */
  async recordFailure(id: number, failure: PollFailure): Promise<void> {
    const next = failure.nextPollAt?.toISOString() ?? null;
    // The retry's time is cast for its test against NULL, which PostgreSQL cannot type otherwise.
    await this.sql.run(
      `UPDATE feeds SET consecutive_failures = consecutive_failures + 1, last_error = ?, last_polled_at = ?,
         status = CASE WHEN CAST(? AS TEXT) IS NULL THEN 'disabled' ELSE 'failing' END,
         next_poll_at = coalesce(?, next_poll_at)
       WHERE id = ?`,
      [failure.error, failure.at.toISOString(), next, next, id],
    );
  }

  /**
   * Follows a permanent redirect; refused (false) when another feed already has that URL. (SQLite's
   * UPDATE OR IGNORE has no PostgreSQL form: the URL is looked for instead. On PostgreSQL, a feed given the
   * same URL by another connection at that very moment makes it throw the unique violation.)
   */
  async moveTo(id: number, url: string): Promise<boolean> {
    const { changes } = await this.sql.run(
      'UPDATE feeds SET url = ? WHERE id = ? AND NOT EXISTS (SELECT 1 FROM feeds WHERE url = ? AND id != ?)',
      [url, id, url, id],
    );
    return changes > 0;
  }

  /** Puts a disabled feed back on the schedule. */
  async enable(id: number, now = new Date()): Promise<void> {
    await this.sql.run(`UPDATE feeds SET status = 'ok', consecutive_failures = 0, last_error = NULL, next_poll_at = ? WHERE id = ?`, [now.toISOString(), id]);
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
