import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite, { type Database } from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../src/db/migrate.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function database(): Database {
  const dir = mkdtempSync(join(tmpdir(), 'ainews-db-'));
  dirs.push(dir);
  const db = new Sqlite(join(dir, 'ainews.db'));
  db.pragma('foreign_keys = ON');
  return db;
}

const indexes = (db: Database) =>
  db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' AND sql IS NOT NULL ORDER BY name").all();
const columns = (db: Database) => db.prepare('SELECT name, type, "notnull", dflt_value FROM pragma_table_info(\'outbox\') ORDER BY cid').all();

describe('migration 015: the outbox takes notices', () => {
  it('keeps every row, column and index of the outbox, and takes a notice about no item', () => {
    const db = database();
    migrate(db, readMigrations().filter((m) => m.version <= 13));
    db.exec(`INSERT INTO feeds (id, url, interval_seconds, next_poll_at, created_at) VALUES (1, 'https://a.example/feed', 900, 'x', 'x');
      INSERT INTO items (id, dedupe_key, title, lang, published_at, published_at_source, first_seen_at, updated_at, story_id) VALUES (7, 'a.example/7', 'GPT-5', 'en', 'x', 'feed', 'x', 'x', 7);
      INSERT INTO channels (id, platform, created_at) VALUES ('console:team', 'console', 'x');
      INSERT INTO outbox (id, kind, item_id, story_id, channel, platform, watch_query, status, attempts, next_attempt_at, created_at, platform_message_id,
          shown_sources, held_until, held_for, mentions, translated, untranslated_reason)
        VALUES (3, 'alert', 7, 7, 'console:team', 'console', 'gpt-5', 'held', 1, 'x', 'x', null, '["A"]', '2030-01-01', 'quiet', '[{"kind":"user","id":"U1","label":"@a"}]', 0, 'no LLM configured');
      INSERT INTO outbox (id, kind, channel, platform, watch_query, next_attempt_at, created_at, payload) VALUES (4, 'fold', 'console:team', 'console', '', 'x', 'x', '{"entries":[]}');
      UPDATE outbox SET fold_id = 4 WHERE id = 3;`);
    const rows = db.prepare('SELECT * FROM outbox ORDER BY id').all();
    const before = { columns: columns(db), indexes: indexes(db) };

    migrate(db);
    expect(db.prepare('SELECT * FROM outbox ORDER BY id').all()).toEqual(rows);
    expect(columns(db)).toEqual(before.columns);
    expect(indexes(db)).toEqual(before.indexes);

    db.prepare(`INSERT INTO outbox (kind, channel, platform, watch_query, next_attempt_at, created_at, payload) VALUES ('notice', 'console:team', 'console', '', 'x', 'x', '{"text":"Feed #1 is back after 5h 12m."}')`).run();
    expect(() => db.prepare("INSERT INTO outbox (kind, channel, platform, watch_query, next_attempt_at, created_at) VALUES ('notice', 'console:team', 'console', '', 'x', 'x')").run()).toThrow(/CHECK constraint failed/);
    expect(() => db.prepare("INSERT INTO outbox (kind, item_id, story_id, channel, platform, watch_query, next_attempt_at, created_at, payload) VALUES ('notice', 7, 7, 'console:team', 'console', '', 'x', 'x', '{}')").run()).toThrow(/CHECK constraint failed/);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('records a feed’s outage, and forgets it with the feed', () => {
    const db = database();
    migrate(db);
    db.exec(`INSERT INTO feeds (id, url, interval_seconds, next_poll_at, created_at) VALUES (1, 'https://a.example/feed', 900, 'x', 'x');
      INSERT INTO feed_health (feed_id, outage_started_at) VALUES (1, '2025-08-02T08:00:00.000Z');`);
    expect(() => db.exec("UPDATE feed_health SET recovery_noticed_at = 'x' WHERE feed_id = 1")).toThrow(/CHECK constraint failed/);
    db.exec('DELETE FROM feeds WHERE id = 1');
    expect(db.prepare('SELECT count(*) AS n FROM feed_health').get()).toEqual({ n: 0 });
  });
});
