import type { Database, Statement } from 'better-sqlite3';

/** FTS5's default 'deletemerge': a b-tree is merged once a tenth of its rows are deleted. */
const DELETE_MERGE_DEFAULT = 10;

/**
 * How the search index (items_fts) reclaims the space of deleted rows. A row deleted from a contentless
 * FTS5 table leaves its entries in the index, marked by a tombstone, until the b-tree holding them is
 * merged; by default FTS5 merges a b-tree in the commit that brings its deleted rows past a tenth of it.
 * Deleting half of 100,000 items oldest first makes one such commit after another rewrite a whole large
 * b-tree, with the write lock held: the longest near a second in `npm run bench -- prune`, and longer
 * on a larger index. So a prune holds those merges off while it deletes, then lets them back and does the
 * merge work itself, a few pages per transaction.
 */
export class SearchMerges {
  private readonly merge: Statement;
  private readonly changes: Statement;

  constructor(private readonly db: Database) {
    this.merge = db.prepare("INSERT INTO items_fts (items_fts, rank) VALUES ('merge', ?)");
    this.changes = db.prepare('SELECT total_changes()').pluck();
  }

  /** Merges for deleted rows wait; the setting is FTS5's own and stays until `resume`, whichever connection writes. */
  hold(): void {
    this.db.exec("INSERT INTO items_fts (items_fts, rank) VALUES ('deletemerge', 0)");
  }

  /** Back to FTS5's default (not to a value read before: one left at 0 by a stopped prune must not stick). */
  resume(): void {
    this.db.exec(`INSERT INTO items_fts (items_fts, rank) VALUES ('deletemerge', ${DELETE_MERGE_DEFAULT})`);
  }

  /**
   * Does up to about `pages` leaf pages of merge work: b-trees with enough deleted rows, and levels with
   * enough b-trees. Returns false once there was none left to do (FTS5 then changes fewer than two rows).
   */
  step(pages: number): boolean {
    const before = this.changes.get() as number;
    this.merge.run(pages);
    return (this.changes.get() as number) - before >= 2;
  }
}
