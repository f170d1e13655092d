import type { Database, Statement } from 'better-sqlite3';

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
  private readonly countOutlets: Statement;
  private readonly insert: Statement;
  private readonly ofStory: Statement;

  constructor(private readonly db: Database) {
    this.countOutlets = db
      .prepare('SELECT count(DISTINCT s.feed_id) FROM items i JOIN item_sources s ON s.item_id = i.id WHERE i.story_id = ? OR i.id = ?')
      .pluck();
    this.insert = db.prepare('INSERT INTO story_watch_matches (story_id, watch_id, channel, item_id, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
    this.ofStory = db.prepare('SELECT story_id, watch_id, channel, item_id FROM story_watch_matches WHERE story_id = ? ORDER BY watch_id');
  }

  /** The distinct feeds carrying the story's items. */
  outlets(storyId: number): number {
    return this.countOutlets.get(storyId, storyId) as number;
  }

  /** Records that `watchId` matched `itemId` of the story, which had too few outlets for it then. */
  record(match: StoryMatch, now: Date): void {
    this.insert.run(match.story_id, match.watch_id, match.channel, match.item_id, now.toISOString());
  }

  /** The watches that matched the story below their threshold, first watch first. */
  of(storyId: number): StoryMatch[] {
    return this.ofStory.all(storyId) as StoryMatch[];
  }

  /** Forgets matches recorded before `before`: their stories take no more items (the story window). */
  prune(before: Date): number {
    return this.db.prepare('DELETE FROM story_watch_matches WHERE created_at < ?').run(before.toISOString()).changes;
  }
}
