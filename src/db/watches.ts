import { channelPlatform } from '../channel-name.ts';
import type { WatchDefinition } from '../match/matcher.ts';
import { parseWatch } from '../match/watch-query.ts';
import type { MentionTarget } from '../mention.ts';
import { UserError } from '../user-error.ts';
import type { Sql } from './sql.ts';

export const MAX_WATCHES_PER_CHANNEL = 100;
/** Regex watches are run, not looked up, on items that hold their literals: fewer of them per channel. */
export const MAX_REGEX_WATCHES_PER_CHANNEL = 20;

export interface WatchRow extends WatchDefinition {
  canonical: string;
  created_by: string | null;
  created_at: string;
  /** Outlets a story needs before this watch alerts (`min:3`); null: the channel's default. */
  min_sources: number | null;
  /** Who it pings when it fires (JSON of a MentionTarget), as resolved when it was added. */
  mention: string | null;
}

export interface ChannelRow {
  id: string;
  platform: string;
  active: 0 | 1;
  inactive_reason: string | null;
  created_at: string;
  watches: number;
}

export class WatchLimitError extends UserError {
  override name = 'WatchLimitError';
}

/** Channels and the keywords each watches. The same SQL on both backends (`active` is set with true/false). */
export class WatchStore {
  constructor(private readonly sql: Sql) {}

  /**
   * Adds a watch; `created` is false when the channel already has one that means the same. Watching in
   * a channel marked inactive (the platform said the bot cannot post there) makes it active again, as
   * whoever watches there expects the bot to post: `reactivated` then holds the reason it was inactive.
   */
  async add(
    channel: string,
    query: string,
    createdBy: string | null,
    now = new Date(),
    mention: MentionTarget | null = null,
  ): Promise<{ watch: WatchRow; created: boolean; reactivated: string | null }> {
    const platform = channelPlatform(channel);
    const spec = parseWatch(query);
    // One transaction: it reads (the limits) before it writes. On SQLite it holds the write lock; on
    // PostgreSQL the upsert locks the channel's row until it ends, so that two additions to one channel
    // take turns and neither counts past the limits.
    return this.sql.withTransaction(async () => {
      const before = await this.channel(channel);
      await this.sql.run(
        'INSERT INTO channels (id, platform, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET active = true, inactive_reason = NULL',
        [channel, platform, now.toISOString()],
      );
      const reactivated = before && !before.active ? (before.inactive_reason ?? 'no reason recorded') : null;
      const existing = await this.sql.get<WatchRow>('SELECT * FROM watches WHERE channel = ? AND canonical = ?', [channel, spec.canonical]);
      if (existing) return { watch: existing, created: false, reactivated };
      const count = (await this.sql.get<{ n: number }>('SELECT count(*) AS n FROM watches WHERE channel = ?', [channel]))!.n;
      if (count >= MAX_WATCHES_PER_CHANNEL) {
        throw new WatchLimitError(`this channel already has ${MAX_WATCHES_PER_CHANNEL} watches, the most it can have; remove one first`);
      }
      // A regex watch's canonical form is its /pattern/; no keyword's starts with a slash.
      const regexes = spec.regex
        ? (await this.sql.get<{ n: number }>("SELECT count(*) AS n FROM watches WHERE channel = ? AND substr(canonical, 1, 1) = '/'", [channel]))!.n
        : 0;
      if (regexes >= MAX_REGEX_WATCHES_PER_CHANNEL) {
        throw new WatchLimitError(
          `this channel already has ${MAX_REGEX_WATCHES_PER_CHANNEL} regex watches, the most it can have; remove one first (/ainews watches lists them), or watch keywords instead`,
        );
      }
      const watch = (await this.sql.get<WatchRow>(
        'INSERT INTO watches (channel, query, canonical, created_by, created_at, min_sources, mention) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *',
        [channel, query.trim(), spec.canonical, createdBy, now.toISOString(), spec.minSources, mention ? JSON.stringify(mention) : null],
      ))!;
      return { watch, created: true, reactivated };
    });
  }

  /**
   * Removes a watch of the channel by #id or by what it watches (any spelling); returns it, or undefined.
   * A bare number is an id when the channel has a watch with that id, else the keyword (a watch on 5090).
   */
  async remove(channel: string, idOrQuery: string): Promise<WatchRow | undefined> {
    const key = idOrQuery.trim();
    // A number too long to be an id is no id (PostgreSQL would refuse it as a bigint).
    const id = /^#?\d+$/.test(key) ? Number(key.replace('#', '')) : NaN;
    const byId = Number.isSafeInteger(id) ? await this.sql.get<WatchRow>('SELECT * FROM watches WHERE channel = ? AND id = ?', [channel, id]) : undefined;
    const watch =
      byId ??
      (key.startsWith('#') ? undefined : await this.sql.get<WatchRow>('SELECT * FROM watches WHERE channel = ? AND canonical = ?', [channel, parseWatch(key).canonical]));
    if (watch) await this.sql.run('DELETE FROM watches WHERE id = ?', [watch.id]);
    return watch;
  }

  /** Stops queueing alerts for a channel the platform says the bot cannot post to; a new watch there undoes it. */
  async deactivate(id: string, reason: string): Promise<void> {
    await this.sql.run('UPDATE channels SET active = false, inactive_reason = ? WHERE id = ?', [reason, id]);
  }

  /** Queues alerts for the channel again (the operator fixed what made it inactive); false if unknown. */
  async activate(id: string): Promise<boolean> {
    return (await this.sql.run('UPDATE channels SET active = true, inactive_reason = NULL WHERE id = ?', [id])).changes > 0;
  }

  /** Every channel with its state and how many watches it has. */
  async channels(): Promise<ChannelRow[]> {
    // Grouped by the primary key, PostgreSQL takes the channel's other columns as they are.
    return this.sql.all<ChannelRow>(
      `SELECT c.id, c.platform, c.active, c.inactive_reason, c.created_at, count(w.id) AS watches
       FROM channels c LEFT JOIN watches w ON w.channel = c.id GROUP BY c.id ORDER BY c.id`,
    );
  }

  async channel(id: string): Promise<{ id: string; active: 0 | 1; inactive_reason: string | null } | undefined> {
    return this.sql.get<{ id: string; active: 0 | 1; inactive_reason: string | null }>('SELECT id, active, inactive_reason FROM channels WHERE id = ?', [id]);
  }

  async list(channel?: string): Promise<WatchRow[]> {
    return channel
      ? this.sql.all<WatchRow>('SELECT * FROM watches WHERE channel = ? ORDER BY id', [channel])
      : this.sql.all<WatchRow>('SELECT * FROM watches ORDER BY channel, id');
  }

  /**
   * Changes whenever a watch is added or removed, by this process or another: ids are never reused
   * (AUTOINCREMENT in SQLite, a sequence in PostgreSQL), so an addition raises the highest id and a
   * removal lowers the count.
   */
  async version(): Promise<string> {
    const row = (await this.sql.get<{ n: number; top: number }>('SELECT count(*) AS n, coalesce(max(id), 0) AS top FROM watches'))!;
    return `${row.n}:${row.top}`;
  }
}
