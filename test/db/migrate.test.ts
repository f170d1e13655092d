import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, readMigrations, SchemaTooNewError } from '../../src/db/migrate.ts';
import { openDatabase } from '../../src/db/open.ts';

const dirs: string[] = [];
const tempPath = (...parts: string[]) => {
  const dir = mkdtempSync(join(tmpdir(), 'ainews-db-'));
  dirs.push(dir);
  return join(dir, ...parts);
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('openDatabase', () => {
  it('creates the folder, turns on WAL, foreign keys and a busy timeout, and records migrations', () => {
    const path = tempPath('nested', 'deeper', 'ainews.db');
    const { db, applied } = openDatabase(path, 1234);
    expect(applied.map((m) => m.version)).toEqual(readMigrations().map((m) => m.version));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(db.prepare('SELECT version, name FROM schema_migrations').all()).toEqual(readMigrations().map(({ version, name }) => ({ version, name })));
    expect(readMigrations()[0]).toMatchObject({ version: 1, name: 'init' });
    db.close();
    const again = openDatabase(path, 1000);
    expect(again.applied).toEqual([]);
    again.db.close();
  });

  it('refuses a database written by a newer schema, naming both versions', () => {
    const path = tempPath('ainews.db');
    openDatabase(path, 1000).db.close();
    const raw = new Sqlite(path);
    raw.prepare("INSERT INTO schema_migrations VALUES (999, 'from_the_future', '2030-01-01')").run();
    raw.close();
    expect(() => openDatabase(path, 1000)).toThrow(SchemaTooNewError);
    expect(() => openDatabase(path, 1000)).toThrow(/schema version 999.*only knows up to version \d+/);
  });

  it('rolls back a migration that fails, leaving it unrecorded', () => {
    const db = new Sqlite(':memory:');
    const good = { version: 1, name: 'good', sql: 'CREATE TABLE a (x INTEGER);' };
    const bad = { version: 2, name: 'bad', sql: 'CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);' };
    expect(() => migrate(db, [good, bad])).toThrow(/no such table: nowhere/);
    expect(db.prepare('SELECT version FROM schema_migrations').all()).toEqual([{ version: 1 }]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").all()).toEqual([]);
    db.close();
  });

  it('keeps dedupe in the schema: a second row with the same dedupe key is refused', () => {
    const { db } = openDatabase(tempPath('ainews.db'), 1000);
    const insert = db.prepare(
      `INSERT INTO items (dedupe_key, title, lang, published_at, published_at_source, first_seen_at, updated_at)
       VALUES ('example.com/a', 't', 'en', 'x', 'feed', 'x', 'x')`,
    );
    insert.run();
    expect(() => insert.run()).toThrow(/UNIQUE constraint failed: items.dedupe_key/);
    db.close();
  });

  it('carries a database with items and alerts over to stories: each item leads its own, each alert keeps its row', () => {
    const db = new Sqlite(tempPath('ainews.db'));
    db.pragma('foreign_keys = ON');
    migrate(db, readMigrations().filter((m) => m.version <= 6));
    db.exec(`INSERT INTO feeds (id, url, interval_seconds, next_poll_at, created_at) VALUES (1, 'https://a.example/feed', 900, 'x', 'x');
      INSERT INTO items (id, dedupe_key, title, lang, published_at, published_at_source, first_seen_at, updated_at) VALUES (7, 'a.example/7', 'GPT-5', 'en', 'x', 'feed', 'x', 'x');
      INSERT INTO channels (id, platform, created_at) VALUES ('console:team', 'console', 'x');
      INSERT INTO outbox (id, item_id, channel, platform, watch_query, status, attempts, next_attempt_at, created_at, platform_message_id)
        VALUES (3, 7, 'console:team', 'console', 'gpt-5', 'sent', 1, 'x', 'x', 'm1');`);
    migrate(db);
    expect(db.prepare('SELECT id, story_id, story_via FROM items').all()).toEqual([{ id: 7, story_id: 7, story_via: null }]);
    expect(db.prepare('SELECT id, kind, item_id, story_id, parent_id, status, platform_message_id FROM outbox').all()).toEqual([
      { id: 3, kind: 'alert', item_id: 7, story_id: 7, parent_id: null, status: 'sent', platform_message_id: 'm1' },
    ]);
    // One alert per story and channel, from now on in the schema.
    const again = db.prepare("INSERT INTO outbox (kind, item_id, story_id, channel, platform, watch_query, next_attempt_at, created_at) VALUES ('alert', ?, 7, 'console:team', 'console', 'x', 'x', 'x') ON CONFLICT DO NOTHING");
    db.exec("INSERT INTO items (id, dedupe_key, title, lang, published_at, published_at_source, first_seen_at, updated_at, story_id) VALUES (8, 'b.example/8', 'GPT-5!', 'en', 'x', 'feed', 'x', 'x', 7)");
    expect(again.run(8).changes).toBe(0);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });
});
