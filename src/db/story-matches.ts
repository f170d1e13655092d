import type { Sql } from './sql.ts';

/** A story a watch matched before it had the outlets the watch asks for. */
export interface StoryMatch {
  story_id: number;
  watch_id: number;
  channel: string;
  item_id: number;
}

/**
 * How many outlets carry a story, and the stories watches matched below their threshold (`min:3`),
 * kept until a later outlet brings them to it, or the story window has passed.
 */
export class StoryMatches {
  constructor(private readonly sql: Sql) {}

  /** The distinct feeds carrying the story's items. */
  async outlets(storyId: number): Promise<number> {
    const row = await this.sql.get<{ n: number }>(
      'SELECT count(DISTINCT s.feed_id) AS n FROM items i JOIN item_sources s ON s.item_id = i.id WHERE i.story_id = ? OR i.id = ?',
      [storyId, storyId],
    );
    return row!.n;
  }

  /** Records that `watchId` matched `itemId` of the story, which had too few outlets for it then. */
  async record(match: StoryMatch, now: Date): Promise<void> {
    await this.sql.run('INSERT INTO story_watch_matches (story_id, watch_id, channel, item_id, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING', [
      match.story_id,
      match.watch_id,
      match.channel,
      match.item_id,
      now.toISOString(),
    ]);
  }

  /** The watches that matched the story below their threshold, first watch first. */
  async of(storyId: number): Promise<StoryMatch[]> {
    return this.sql.all<StoryMatch>('SELECT story_id, watch_id, channel, item_id FROM story_watch_matches WHERE story_id = ? ORDER BY watch_id', [storyId]);
  }

  /** Forgets matches recorded before `before`: their stories take no more items (the story window). */
  async prune(before: Date): Promise<number> {
    return (await this.sql.run('DELETE FROM story_watch_matches WHERE created_at < ?', [before.toISOString()])).changes;
  }
}
