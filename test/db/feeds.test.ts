import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FeedStore, readFeedUrls } from '../../src/db/feeds.ts';
import { openDatabase } from '../../src/db/open.ts';
import { SqliteSql } from '../../src/db/sql.ts';

const dirs: string[] = [];
const tempPath = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'ainews-feeds-'));
  dirs.push(dir);
  return join(dir, name);
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

// readFeedUrls reads a SQLite file by its path: there is no PostgreSQL form of it. FeedStore's own
// tests, on both backends, are in feeds-port.test.ts.
describe('readFeedUrls', () => {
  it("reads a database file's feed URLs", async () => {
    const path = tempPath('ainews.db');
    const { db } = openDatabase(path, 1000);
    const feeds = new FeedStore(SqliteSql.open(db));
    await feeds.add({ url: 'https://a.example/feed', intervalSeconds: 900 });
    await feeds.add({ url: 'https://b.example/feed', intervalSeconds: 900 });
    db.close();
    expect(readFeedUrls(path).sort()).toEqual(['https://a.example/feed', 'https://b.example/feed']);
  });

  it('throws for a missing file, and for a file that is not an ainews database, creating nothing', () => {
    const missing = tempPath('missing.db');
    expect(() => readFeedUrls(missing)).toThrow();
    expect(existsSync(missing)).toBe(false);
    const notes = tempPath('notes.txt');
    writeFileSync(notes, 'not a database at all, just some text that is long enough to be read');
    expect(() => readFeedUrls(notes)).toThrow();
  });
});
