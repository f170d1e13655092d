import type { Database } from 'better-sqlite3';

/**
 * The tables `ainews export-db` copies from SQLite, in an order where each comes after those its
 * foreign keys name. A table a new SQLite migration adds belongs here or in NOT_COPIED: the export
 * refuses a SQLite database with a table in neither, and test/db/postgres-export.test.ts fails on one.
 */
export const COPIED_TABLES = [
  'feeds',
  'items',
  'item_sources',
  'channels',
  'watches',
  'outbox',
  'story_terms',
  'pending_items',
  'story_watch_matches',
  'item_translations',
  'item_tombstones',
  'feed_health',
  'feed_rhythms',
  'websub_subscriptions',
  'llm_usage',
  'meta',
] as const;

export type CopiedTable = (typeof COPIED_TABLES)[number];

/** SQLite's tables that are not copied, and why. */
export const NOT_COPIED: Record<string, string> = {
  schema_migrations: 'PostgreSQL has its own migrations, recorded as they are applied',
  sqlite_sequence: "SQLite's record of AUTOINCREMENT ids: read to move the identity sequences past them",
  items_fts: 'rebuilt as items_search from the items it indexes',
  items_fts_config: 'part of items_fts',
  items_fts_data: 'part of items_fts',
  items_fts_docsize: 'part of items_fts',
  items_fts_idx: 'part of items_fts',
  leases: 'held by the workers running now; copied, they would keep the new workers waiting until they expired',
};

/** SQLite keeps its own bookkeeping (sqlite_stat1 after ANALYZE, …) under this prefix; no ainews table uses it. */
const SQLITE_INTERNAL = /^sqlite_/;

/** The tables of a SQLite database that are neither copied nor known not to need it. */
export function unlistedTables(sqlite: Database): string[] {
  const copied = new Set<string>(COPIED_TABLES);
  return (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]).filter(
    (name) => !copied.has(name) && !(name in NOT_COPIED) && !SQLITE_INTERNAL.test(name),
  );
}
