import type { Database } from 'better-sqlite3';
import { channelPlatform } from '../channel-name.ts';
import type { WatchDefinition } from '../match/matcher.ts';
import { parseWatch } from '../match/watch-query.ts';

export const MAX_WATCHES_PER_CHANNEL = 100;

export interface WatchRow extends WatchDefinition {
  canonical: string;
  created_by: string | null;
  created_at: string;
}

export class WatchLimitError extends Error {
  override name = 'WatchLimitError';
}

/** Channels and the keywords each watches. */
export class WatchStore {
  constructor(private readonly db: Database) {}

  /** Adds a watch; `created` is false when the channel already has one that means the same. */
  add(channel: string, query: string, createdBy: string | null, now = new Date()): { watch: WatchRow; created: boolean } {
    const platform = channelPlatform(channel);
    const spec = parseWatch(query);
    return this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO channels (id, platform, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
        .run(channel, platform, now.toISOString());
      const existing = this.db.prepare('SELECT * FROM watches WHERE channel = ? AND canonical = ?').get(channel, spec.canonical) as WatchRow | undefined;
      if (existing) return { watch: existing, created: false };
      const count = (this.db.prepare('SELECT count(*) AS n FROM watches WHERE channel = ?').get(channel) as { n: number }).n;
      if (count >= MAX_WATCHES_PER_CHANNEL) {
        throw new WatchLimitError(`this channel already has ${MAX_WATCHES_PER_CHANNEL} watches, the most it can have; remove one first`);
      }
      const watch = this.db
        .prepare('INSERT INTO watches (channel, query, canonical, created_by, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *')
        .get(channel, query.trim(), spec.canonical, createdBy, now.toISOString()) as WatchRow;
      return { watch, created: true };
    })();
  }

  /** Removes a watch of the channel by id or by what it watches (any spelling); returns it, or undefined. */
  remove(channel: string, idOrQuery: string): WatchRow | undefined {
    const key = idOrQuery.trim();
    const watch = /^#?\d+$/.test(key)
      ? (this.db.prepare('SELECT * FROM watches WHERE channel = ? AND id = ?').get(channel, Number(key.replace('#', ''))) as WatchRow | undefined)
      : (this.db.prepare('SELECT * FROM watches WHERE channel = ? AND canonical = ?').get(channel, parseWatch(key).canonical) as WatchRow | undefined);
    if (watch) this.db.prepare('DELETE FROM watches WHERE id = ?').run(watch.id);
    return watch;
  }

  list(channel?: string): WatchRow[] {
    return (
      channel
        ? this.db.prepare('SELECT * FROM watches WHERE channel = ? ORDER BY id').all(channel)
        : this.db.prepare('SELECT * FROM watches ORDER BY channel, id').all()
    ) as WatchRow[];
  }

  /** Changes whenever a watch is added or removed: the compiled matcher is rebuilt only then. */
  version(): string {
    const row = this.db.prepare('SELECT count(*) AS n, coalesce(max(id), 0) AS top, coalesce(sum(id), 0) AS total FROM watches').get() as {
      n: number;
      top: number;
      total: number;
    };
    return `${row.n}:${row.top}:${row.total}`;
  }
}
