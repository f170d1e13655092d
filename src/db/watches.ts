import type { Database } from 'better-sqlite3';
import { channelPlatform } from '../channel-name.ts';
import type { WatchDefinition } from '../match/matcher.ts';
import { parseWatch } from '../match/watch-query.ts';
import type { MentionTarget } from '../mention.ts';
import { UserError } from '../user-error.ts';

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

/** Channels and the keywords each watches. */
export class WatchStore {
  constructor(private readonly db: Database) {}

  /**
   * Adds a watch; `created` is false when the channel already has one that means the same. Watching in
   * a channel marked inactive (the platform said the bot cannot post there) makes it active again, as
   * whoever watches there expects the bot to post: `reactivated` then holds the reason it was inactive.
   */
  add(
    channel: string,
    query: string,
    createdBy: string | null,
    now = new Date(),
    mention: MentionTarget | null = null,
  ): { watch: WatchRow; created: boolean; reactivated: string | null } {
    const platform = channelPlatform(channel);
    const spec = parseWatch(query);
    // IMMEDIATE: it reads before it writes, and must wait for another process's write lock, not fail.
    return this.db.transaction(() => {
      const before = this.channel(channel);
      this.db
        .prepare('INSERT INTO channels (id, platform, created_at) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET active = 1, inactive_reason = NULL')
        .run(channel, platform, now.toISOString());
      const reactivated = before && !before.active ? (before.inactive_reason ?? 'no reason recorded') : null;
      const existing = this.db.prepare('SELECT * FROM watches WHERE channel = ? AND canonical = ?').get(channel, spec.canonical) as WatchRow | undefined;
      if (existing) return { watch: existing, created: false, reactivated };
      const count = (this.db.prepare('SELECT count(*) AS n FROM watches WHERE channel = ?').get(channel) as { n: number }).n;
      if (count >= MAX_WATCHES_PER_CHANNEL) {
        throw new WatchLimitError(`this channel already has ${MAX_WATCHES_PER_CHANNEL} watches, the most it can have; remove one first`);
      }
      // A regex watch's canonical form is its /pattern/; no keyword's starts with a slash.
      const regexes = spec.regex
        ? (this.db.prepare("SELECT count(*) AS n FROM watches WHERE channel = ? AND substr(canonical, 1, 1) = '/'").get(channel) as { n: number }).n
        : 0;
      if (regexes >= MAX_REGEX_WATCHES_PER_CHANNEL) {
        throw new WatchLimitError(
          `this channel already has ${MAX_REGEX_WATCHES_PER_CHANNEL} regex watches, the most it can have; remove one first (/ainews watches lists them), or watch keywords instead`,
        );
      }
      const watch = this.db
        .prepare('INSERT INTO watches (channel, query, canonical, created_by, created_at, min_sources, mention) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *')
        .get(channel, query.trim(), spec.canonical, createdBy, now.toISOString(), spec.minSources, mention ? JSON.stringify(mention) : null) as WatchRow;
      return { watch, created: true, reactivated };
    }).immediate();
  }

  /**
   * Removes a watch of the channel by #id or by what it watches (any spelling); returns it, or undefined.
   * A bare number is an id when the channel has a watch with that id, else the keyword (a watch on 5090).
   */
  remove(channel: string, idOrQuery: string): WatchRow | undefined {
    const key = idOrQuery.trim();
    const byId = /^#?\d+$/.test(key)
      ? (this.db.prepare('SELECT * FROM watches WHERE channel = ? AND id = ?').get(channel, Number(key.replace('#', ''))) as WatchRow | undefined)
      : undefined;
    const watch =
      byId ??
      (key.startsWith('#')
        ? undefined
        : (this.db.prepare('SELECT * FROM watches WHERE channel = ? AND canonical = ?').get(channel, parseWatch(key).canonical) as WatchRow | undefined));
    if (watch) this.db.prepare('DELETE FROM watches WHERE id = ?').run(watch.id);
    return watch;
  }

  /** Stops queueing alerts for a channel the platform says the bot cannot post to; a new watch there undoes it. */
  deactivate(id: string, reason: string): void {
    this.db.prepare('UPDATE channels SET active = 0, inactive_reason = ? WHERE id = ?').run(reason, id);
  }

  /** Queues alerts for the channel again (the operator fixed what made it inactive); false if unknown. */
  activate(id: string): boolean {
    return this.db.prepare('UPDATE channels SET active = 1, inactive_reason = NULL WHERE id = ?').run(id).changes > 0;
  }

  /** Every channel with its state and how many watches it has. */
  channels(): ChannelRow[] {
    return this.db
      .prepare(
        `SELECT c.id, c.platform, c.active, c.inactive_reason, c.created_at, count(w.id) AS watches
         FROM channels c LEFT JOIN watches w ON w.channel = c.id GROUP BY c.id ORDER BY c.id`,
      )
      .all() as ChannelRow[];
  }

  channel(id: string): { id: string; active: 0 | 1; inactive_reason: string | null } | undefined {
    return this.db.prepare('SELECT id, active, inactive_reason FROM channels WHERE id = ?').get(id) as
      | { id: string; active: 0 | 1; inactive_reason: string | null }
      | undefined;
  }

  list(channel?: string): WatchRow[] {
    return (
      channel
        ? this.db.prepare('SELECT * FROM watches WHERE channel = ? ORDER BY id').all(channel)
        : this.db.prepare('SELECT * FROM watches ORDER BY channel, id').all()
    ) as WatchRow[];
  }

  /**
   * Changes whenever a watch is added or removed, by this process or another: ids are never reused
   * (AUTOINCREMENT), so an addition raises the highest id and a removal lowers the count.
   */
  version(): string {
    const row = this.db.prepare('SELECT count(*) AS n, coalesce(max(id), 0) AS top FROM watches').get() as { n: number; top: number };
    return `${row.n}:${row.top}`;
  }
}
