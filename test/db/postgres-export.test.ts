import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedHealthStore } from '../../src/db/feed-health.ts';
import { FeedRhythms } from '../../src/db/feed-rhythms.ts';
import { LlmUsage } from '../../src/db/llm-usage.ts';
import { installId, recordPrune } from '../../src/db/meta.ts';
import { openDatabase, type Database } from '../../src/db/open.ts';
import { OutboxNotices } from '../../src/db/outbox-notices.ts';
import { ChannelSettingsStore } from '../../src/db/channel-settings.ts';
import { StoryMatches } from '../../src/db/story-matches.ts';
import { Tombstones } from '../../src/db/tombstones.ts';
import { TranslationStore } from '../../src/db/translations.ts';
import { WebSubSubscriptions } from '../../src/db/websub-subscriptions.ts';
import { ExportCopyError, ExportTargetNotEmptyError, exportSqlite, type ExportReport } from '../../src/db/postgres/export-sqlite.ts';
import { COPIED_TABLES, NOT_COPIED, unlistedTables } from '../../src/db/postgres/export-tables.ts';
import type { Pool } from '../../src/db/postgres/pool.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { storeItems } from '../helpers/items.ts';
import { describePostgres, freshPostgresUrl, testPool } from '../helpers/postgres.ts';

describe('the tables export-db copies', () => {
  it('name every table of the SQLite schema, copied or left out for a reason', () => {
    const { db } = openDatabase(':memory:', 1000);
    expect(unlistedTables(db), 'list the new table in COPIED_TABLES or NOT_COPIED (src/db/postgres/export-tables.ts)').toEqual([]);
    db.exec('CREATE TABLE forgotten (id INTEGER PRIMARY KEY)');
    expect(unlistedTables(db)).toEqual(['forgotten']);
    db.close();
  });

  it('do not list a table twice', () => {
    expect(new Set(COPIED_TABLES).size).toBe(COPIED_TABLES.length);
    expect(COPIED_TABLES.filter((table) => table in NOT_COPIED)).toEqual([]);
  });
});


const NOW = new Date('2024-05-01T08:30:00.123Z');
const CHANNEL = 'console:team';

/** A database with a row in every table, made through the stores as the bot makes them. */
async function populate(app: TestApp): Promise<void> {
  await app.watches.add(CHANNEL, '推理', 'console:alice', NOW);
  await app.watches.add(CHANNEL, 'GPT', null, NOW);
  // Watch 3 is removed: SQLite never hands its id out again (AUTOINCREMENT), nor may PostgreSQL.
  await app.watches.add(CHANNEL, 'temporary', null, NOW);
  await app.watches.remove(CHANNEL, 'temporary');
  const settings = new ChannelSettingsStore(app.sql, 'UTC');
  await settings.setTimezone(CHANNEL, 'Asia/Shanghai', NOW);
  await settings.setLanguage(CHANNEL, 'zh', NOW);
  await settings.setLimit(CHANNEL, 5, NOW);
  await storeItems(
    app,
    [
      { title: '大模型推理速度提升十倍', body: '<p>研究人员发布了新的推理引擎，延迟大幅下降。</p>', date: NOW.toUTCString() },
      { title: 'OpenAI releases GPT-5 with better reasoning', body: '<p>The model is out today.</p>', date: NOW.toUTCString() },
    ],
    { feedUrl: 'https://feeds.example.com/a.xml', feedName: 'Example A', now: NOW },
  );
  await storeItems(app, [{ title: 'GPT-5 拿下数学竞赛金牌', body: '<p>推理能力再上台阶。</p>' }], { feedUrl: 'https://feeds.example.com/b.xml', now: NOW });
  // Stored by a poll, not yet indexed: the follow-up pass indexes it, wherever it runs next.
  await storeItems(app, [{ title: 'Waiting to be indexed' }], { feedUrl: 'https://feeds.example.com/b.xml', now: NOW, process: false });
  const feedId = (await app.feeds.find('https://feeds.example.com/a.xml'))!.id;
  const itemId = (await app.items.recent(10)).find((item) => item.lang === 'en')!.id;
  await new OutboxNotices(app.sql).queue('console:ops', { text: '源 Example A 恢复了' }, NOW);
  const translations = new TranslationStore(app.sql);
  await translations.take(itemId, 'zh', NOW, new Date(0));
  await translations.done(itemId, 'zh', { title: 'OpenAI releases GPT-5', summary: 'Out today.' }, { title: 'OpenAI 发布 GPT-5', summary: '今天发布。' }, 'test-model', NOW);
  await new Tombstones(app.sql).bury([itemId], NOW);
  await new FeedHealthStore(app.sql).failed(feedId, NOW);
  await new FeedRhythms(app.sql).save(feedId, { counts: Array.from({ length: 168 }, (_, hour) => hour / 7), countedAt: NOW, since: new Date('2024-04-01T00:00:00.000Z') });
  await new WebSubSubscriptions(app.sql).requested(feedId, { hub: 'https://hub.example.com/', topic: 'https://feeds.example.com/a.xml', token: 'tok', secret: 'shh' }, NOW);
  await new StoryMatches(app.sql).record({ story_id: itemId, watch_id: 2, channel: CHANNEL, item_id: itemId }, NOW);
  const usage = new LlmUsage(app.sql);
  await usage.reserveCall('2024-05-01', { calls: 100, tokens: 100_000 });
  await usage.addTokens('2024-05-01', 1234);
  await recordPrune(app.sql, NOW);
}

/** Every row of a table, as SQLite reads it, in SQLite's column order; sorted, so that both sides compare. */
function sqliteRows(db: Database, table: string): unknown[] {
  return sortRows(db.prepare(`SELECT * FROM ${table}`).all());
}

async function postgresRows(pg: Pool, db: Database, table: string): Promise<unknown[]> {
  const columns = (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
  return sortRows((await pg.query(`SELECT ${columns.join(', ')} FROM ${table}`)).rows);
}

const sortRows = (rows: unknown[]) => rows.map((row) => [JSON.stringify(row), row] as const).sort(([a], [b]) => (a < b ? -1 : 1)).map(([, row]) => row);

describePostgres('export-db', () => {
  let app: TestApp;
  let pg: Pool;
  let report: ExportReport;
  beforeAll(async () => {
    app = await testApp();
    await populate(app);
    pg = testPool(await freshPostgresUrl());
    report = await exportSqlite(app.db, pg, { target: 'the test database' });
  });
  afterAll(() => app?.dispose());

  it('copies every table, each with rows here, and says how many', async () => {
    for (const table of COPIED_TABLES) {
      const rows = (app.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number);
      expect(rows, `${table} has no row to copy: populate() should make one`).toBeGreaterThan(0);
      expect(report.tables[table], table).toBe(rows);
      expect((await pg.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n, table).toBe(rows);
    }
    expect(Object.keys(report.tables).sort()).toEqual([...COPIED_TABLES, 'items_search'].sort());
    expect(report.seconds).toBeGreaterThan(0);
  });

  it('copies every row as it was: ids, instants, flags, Chinese text and JSON read back the same', async () => {
    for (const table of COPIED_TABLES) expect(await postgresRows(pg, app.db, table), table).toEqual(sqliteRows(app.db, table));
    const zh = (await pg.query("SELECT id, title, published_at, backlog FROM items WHERE lang = 'zh' ORDER BY id")).rows;
    // A feed's date has whole seconds.
    expect(zh[0]).toEqual({ id: expect.any(Number), title: '大模型推理速度提升十倍', published_at: '2024-05-01T08:30:00.000Z', backlog: 0 });
    // Instants are timestamptz, not text: they compare as instants whatever offset they are written with.
    expect((await pg.query("SELECT count(*) AS n FROM items WHERE published_at = '2024-05-01 16:30:00+08'")).rows[0].n).toBe(4);
    expect((await pg.query("SELECT count(*) AS n FROM items WHERE first_seen_at = '2024-05-01 16:30:00.123+08'")).rows[0].n).toBe(4);
    expect((await pg.query("SELECT payload ->> 'text' AS text FROM outbox WHERE kind = 'notice'")).rows).toEqual([{ text: '源 Example A 恢复了' }]);
    expect((await pg.query("SELECT value FROM meta WHERE key = 'install_id'")).rows).toEqual([{ value: await installId(app.sql) }]);
  });

  it("indexes the items SQLite had indexed, Chinese segmented as FTS5's were", async () => {
    const indexed = app.db.prepare('SELECT rowid FROM items_fts ORDER BY rowid').pluck().all();
    expect((await pg.query('SELECT item_id FROM items_search ORDER BY item_id')).rows.map((row) => row.item_id)).toEqual(indexed);
    expect(report.tables.items_search).toBe(indexed.length);
    const found = async (query: string) => (await pg.query(`SELECT i.title FROM items_search s JOIN items i ON i.id = s.item_id WHERE s.words @@ ${query} ORDER BY i.id`)).rows.map((row) => row.title);
    expect(await found("'推理'::tsquery")).toEqual(['大模型推理速度提升十倍', 'GPT-5 拿下数学竞赛金牌']);
    expect(await found("'reasoning'::tsquery")).toEqual(['OpenAI releases GPT-5 with better reasoning']);
    expect(await found("'waiting'::tsquery")).toEqual([]);
  });

  it('moves the sequences past the copied ids, and past ids SQLite handed out and deleted', async () => {
    const maxItem = app.db.prepare('SELECT max(id) FROM items').pluck().get() as number;
    const item = await pg.query(
      `INSERT INTO items (dedupe_key, title, lang, published_at, published_at_source, first_seen_at, updated_at)
       VALUES ('new.example/1', 'new', 'en', now(), 'feed', now(), now()) RETURNING id`,
    );
    expect(item.rows[0].id).toBe(maxItem + 1);
    const watch = await pg.query(`INSERT INTO watches (channel, query, canonical, created_at) VALUES ('${CHANNEL}', 'new', 'new', now()) RETURNING id`);
    expect(watch.rows[0].id).toBe(4);
    const outbox = await pg.query(
      `INSERT INTO outbox (kind, channel, platform, watch_query, next_attempt_at, created_at, payload)
       VALUES ('notice', 'console:ops', 'console', '', now(), now(), '{"text": "x"}') RETURNING id`,
    );
    expect(outbox.rows[0].id).toBe((app.db.prepare('SELECT max(id) FROM outbox').pluck().get() as number) + 1);
  });

  it('refuses a database that already has rows, naming the table, and leaves it as it was', async () => {
    const before = (await pg.query('SELECT count(*) AS n FROM items')).rows[0].n;
    const again = exportSqlite(app.db, pg, { target: 'the test database' });
    await expect(again).rejects.toThrow(ExportTargetNotEmptyError);
    await expect(exportSqlite(app.db, pg, { target: 'the test database' })).rejects.toThrow(
      'the PostgreSQL database at the test database already has rows in feeds: export-db copies into an empty database only',
    );
    expect((await pg.query('SELECT count(*) AS n FROM items')).rows[0].n).toBe(before);
  });
});

describePostgres('export-db of a larger or damaged database', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const sqlite = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ainews-export-'));
    dirs.push(dir);
    return openDatabase(join(dir, 'ainews.db'), 1000).db;
  };

  /** Items written straight into SQLite: many, quickly, with bodies long enough to cut batches by size. */
  const fill = (db: Database, count: number) => {
    db.prepare("INSERT INTO feeds (id, url, interval_seconds, next_poll_at, created_at) VALUES (1, 'https://a.example/feed', 900, ?, ?)").run(NOW.toISOString(), NOW.toISOString());
    const insert = db.prepare(
      `INSERT INTO items (id, dedupe_key, title, body, lang, published_at, published_at_source, first_seen_at, updated_at, story_id)
       VALUES (?, ?, ?, ?, 'zh', ?, 'feed', ?, ?, ?)`,
    );
    const index = db.prepare("INSERT INTO items_fts (rowid, title, body, subwords) VALUES (?, '', '', '')");
    db.transaction(() => {
      for (let i = 1; i <= count; i++) {
        const at = new Date(NOW.getTime() - i * 60_000).toISOString();
        insert.run(i * 2, `a.example/${i}`, `第${i}条：推理模型`, '正文'.repeat(i % 7 === 0 ? 3000 : 20), at, at, at, i * 2);
        index.run(i * 2);
      }
    })();
  };

  it('copies thousands of items in batches, whatever their size', async () => {
    const db = sqlite();
    fill(db, 4_500);
    const pg = testPool(await freshPostgresUrl());
    const seen: [string, number][] = [];
    const report = await exportSqlite(db, pg, { target: 'test', onTable: (table, rows) => seen.push([table, rows]) });
    expect(report.tables).toMatchObject({ feeds: 1, items: 4_500, items_search: 4_500 });
    expect(seen.slice(0, 3)).toEqual([['feeds', 1], ['items', 4_500], ['items_search', 4_500]]);
    expect((await pg.query('SELECT count(*) AS n, max(id) AS max, sum(length(body)) AS chars FROM items')).rows[0]).toEqual({
      n: 4_500,
      max: 9_000,
      chars: db.prepare('SELECT sum(length(body)) FROM items').pluck().get(),
    });
    expect((await pg.query("SELECT count(*) AS n FROM items_search WHERE words @@ '推理'::tsquery")).rows[0].n).toBe(4_500);
    db.close();
  });

  it('refuses a SQLite column PostgreSQL has no port of, rather than lose it', async () => {
    const db = sqlite();
    fill(db, 1);
    db.exec('ALTER TABLE feeds ADD COLUMN colour TEXT');
    const pg = testPool(await freshPostgresUrl());
    await expect(exportSqlite(db, pg, { target: 'test' })).rejects.toThrow('feeds.colour has no column in PostgreSQL to be copied to: port the SQLite migration');
    expect((await pg.query('SELECT count(*) AS n FROM feeds')).rows[0].n).toBe(0);
    db.close();
  });

  it('writes nothing when PostgreSQL refuses a row, says which table, and can be run again once it is fixed', async () => {
    const db = sqlite();
    fill(db, 10);
    db.pragma('foreign_keys = OFF');
    db.prepare("INSERT INTO item_sources (feed_id, guid, item_id, content_hash, first_seen_at) VALUES (1, 'g', 999, 'h', ?)").run(NOW.toISOString());
    const url = await freshPostgresUrl();
    const pg = testPool(url);
    await expect(exportSqlite(db, pg, { target: 'test' })).rejects.toThrow(ExportCopyError);
    await expect(exportSqlite(db, pg, { target: 'test' })).rejects.toThrow(/^copying item_sources failed, and nothing was written to PostgreSQL: .*foreign key/);
    expect((await pg.query('SELECT count(*) AS n FROM items')).rows[0].n).toBe(0);
    db.prepare('DELETE FROM item_sources WHERE item_id = 999').run();
    expect((await exportSqlite(db, pg, { target: 'test' })).tables.items).toBe(10);
    db.close();
  });
});
