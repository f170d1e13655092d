import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../src/db/migrate.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('migration 016: adaptive polling', () => {
  it('keeps a chosen interval fixed, makes the default one adaptive, and removes a feed’s rhythm with it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ainews-db-'));
    dirs.push(dir);
    const db = new Sqlite(join(dir, 'ainews.db'));
    db.pragma('foreign_keys = ON');
    migrate(db, readMigrations().filter((m) => m.version <= 15));
    db.exec(`INSERT INTO feeds (id, url, interval_seconds, next_poll_at, created_at) VALUES
      (1, 'https://a.example/feed', 900, 'x', 'x'), (2, 'https://b.example/feed', 3600, 'x', 'x'), (3, 'https://c.example/feed', 120, 'x', 'x')`);
    migrate(db);
    expect(db.prepare('SELECT id, interval_mode, interval_seconds, interval_reason FROM feeds ORDER BY id').all()).toEqual([
      { id: 1, interval_mode: 'adaptive', interval_seconds: 900, interval_reason: null },
      { id: 2, interval_mode: 'fixed', interval_seconds: 3600, interval_reason: null },
      { id: 3, interval_mode: 'fixed', interval_seconds: 120, interval_reason: null },
    ]);
    expect(() => db.prepare(`UPDATE feeds SET interval_mode = 'sometimes' WHERE id = 1`).run()).toThrow(/CHECK/);
    db.prepare(`INSERT INTO feed_rhythms (feed_id, counts, counted_at, since) VALUES (1, '[]', 'x', 'x')`).run();
    db.prepare('DELETE FROM feeds WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) FROM feed_rhythms').pluck().get()).toBe(0);
    db.close();
  });
});
