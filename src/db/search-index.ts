import type { Database, Statement } from 'better-sqlite3';
import { segmentForIndex } from '../text/segment.ts';

/** Body text beyond this is not indexed: news puts what matters first, and segmenting costs per character. */
export const INDEXED_BODY_CHARS = 4000;

/**
 * The FTS5 rows behind search: the segmented words of each item's title and body, and the sub-words of
 * long Chinese words in a column of their own, so that phrases stay contiguous. rowid = item id.
 */
export class SearchIndex {
  private readonly insert: Statement;
  private readonly remove: Statement;

  constructor(db: Database) {
    this.insert = db.prepare('INSERT INTO items_fts (rowid, title, body, subwords) VALUES (?, ?, ?, ?)');
    this.remove = db.prepare('DELETE FROM items_fts WHERE rowid = ?');
  }

  add(id: number, title: string, body: string): void {
    const inTitle = segmentForIndex(title);
    const inBody = segmentForIndex(body.slice(0, INDEXED_BODY_CHARS));
    this.insert.run(id, inTitle.words.join(' '), inBody.words.join(' '), [...inTitle.subwords, ...inBody.subwords].join(' '));
  }

  replace(id: number, title: string, body: string): void {
    this.remove.run(id);
    this.add(id, title, body);
  }
}
