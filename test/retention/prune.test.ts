import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleSender } from '../../src/platforms/console/console-sender.ts';
import { parseSearchQuery } from '../../src/search/query.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { storeItems } from '../helpers/items.ts';

const DAY = 86_400_000;
const CHANNEL = 'console:team';
/** When a prune runs in these tests: past the default retention (365d) for what they store today. */
const later = (days: number) => new Date(Date.now() + days * DAY);
const OUTLET_A = 'https://a.example.com/feed.xml';
const OUTLET_B = 'https://b.example.com/feed.xml';

let app: TestApp;
beforeEach(async () => {
  app = await testApp();
});
afterEach(() => app.dispose());

const deliver = () => app.deliveryWorker([new ConsoleSender(() => {})]).drain();
const ids = () => app.db.prepare('SELECT id FROM items ORDER BY id').pluck().all() as number[];
const idOf = (title: string) => app.db.prepare('SELECT id FROM items WHERE title = ?').pluck().get(title) as number;

/** Every row that refers to an item, table by table, whether or not a foreign key says so. */
function rowsAbout(itemIds: number[]): Record<string, number> {
  const list = JSON.stringify(itemIds);
  const count = (sql: string) => app.db.prepare(sql).pluck().get({ list }) as number;
  const inList = '(SELECT value FROM json_each(@list))';
  return {
    items: count(`SELECT count(*) FROM items WHERE id IN ${inList}`),
    item_sources: count(`SELECT count(*) FROM item_sources WHERE item_id IN ${inList}`),
    items_fts: count(`SELECT count(*) FROM items_fts WHERE rowid IN ${inList}`),
    story_terms: count(`SELECT count(*) FROM story_terms WHERE item_id IN ${inList}`),
    outbox: count(`SELECT count(*) FROM outbox WHERE item_id IN ${inList} OR story_id IN ${inList}`),
    pending_items: count(`SELECT count(*) FROM pending_items WHERE item_id IN ${inList}`),
    item_translations: count(`SELECT count(*) FROM item_translations WHERE item_id IN ${inList}`),
    story_watch_matches: count(`SELECT count(*) FROM story_watch_matches WHERE item_id IN ${inList} OR story_id IN ${inList}`),
  };
}

describe('pruning items for their age', () => {
  it('deletes old items with their search rows, story terms, sources, translations, queue rows, story matches and deliveries', async () => {
    // A watch that needs three outlets records the story it matched below that (story_watch_matches).
    await app.watches.add(CHANNEL, 'GPT-6 min:3', 'u1');
    await app.watches.add(CHANNEL, 'Gemini', 'u1');
    await storeItems(app, [{ title: 'OpenAI ships GPT-6 to every ChatGPT user' }, { title: 'Google releases Gemini 3 for developers' }]);
    await storeItems(app, [{ title: 'DeepSeek opens a lab in Paris' }], { process: false });
    const old = ids();
    app.db
      .prepare("INSERT INTO item_translations (item_id, language, status, title, updated_at) VALUES (?, 'zh', 'done', '译文', ?)")
      .run(old[0], new Date().toISOString());
    await deliver();
    const before = rowsAbout(old);
    // Each kind of row is there to be deleted.
    expect(before).toMatchObject({ items: 3, item_sources: 3, items_fts: 2, outbox: 1, pending_items: 1, item_translations: 1, story_watch_matches: 1 });
    expect(before.story_terms).toBeGreaterThan(0);

    const fresh = (await storeItems(app, [{ title: 'Anthropic raises a new round' }], { now: later(300) })).created[0]!.id;
    const report = await app.retention.prune({ now: later(400) });

    expect(report).toMatchObject({ dry_run: false, items: 3, kept_items: 0, outbox_rows: 1, tombstones_added: 3, tombstones: 3 });
    expect(rowsAbout(old)).toEqual(Object.fromEntries(Object.keys(before).map((table) => [table, 0])));
    expect(ids()).toEqual([fresh]);
    expect(rowsAbout([fresh])).toMatchObject({ items: 1, item_sources: 1, items_fts: 1 });
    expect(app.db.pragma('foreign_key_check')).toEqual([]);
    expect(app.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(report.longest_lock_ms).toBeGreaterThanOrEqual(0);
    // Search finds what is left and nothing of what went; the index merges deleted rows away as usual again.
    const found = async (text: string) => (await app.search.search(parseSearchQuery(text, new Date()), { pageSize: 5 })).hits.map((hit) => hit.id);
    expect(await found('Anthropic')).toEqual([fresh]);
    expect(await found('Gemini')).toEqual([]);
    expect(app.db.prepare("SELECT v FROM items_fts_config WHERE k = 'deletemerge'").pluck().get()).toBe(10);
  });

  it('keeps an item an unsent alert shows, and every item of a story that has a newer one', async () => {
    await app.watches.add(CHANNEL, 'GPT-6', 'u1');
    const published = new Date().toUTCString();
    await storeItems(app, [{ title: 'OpenAI ships GPT-6 to every ChatGPT user' }]);
    await storeItems(app, [{ title: 'Nvidia reports record data centre revenue' }]);
    await storeItems(app, [{ title: 'Apple unveils its Vision Air headset at WWDC', date: published }], { feedUrl: OUTLET_A });
    // The same story from another outlet, first seen 100 days later: newer than the cut of the prune below.
    await storeItems(app, [{ title: 'Apple unveils Vision Air headset at WWDC today', date: published }], { feedUrl: OUTLET_B, now: later(100) });
    const [alerted, , storyLead, storyLater] = ids() as [number, number, number, number];
    expect((await app.stories.joined(storyLater))!.story_id).toBe(storyLead);
    expect((await app.outbox.list()).map((row) => [row.item_id, row.status])).toEqual([[alerted, 'pending']]);

    const first = await app.retention.prune({ now: later(400) });
    expect(first).toMatchObject({ items: 1, kept_items: 2, outbox_rows: 0 });
    expect(ids()).toEqual([alerted, storyLead, storyLater]);

    // Once the alert is sent, nothing needs its item any more: it goes, with its outbox row.
    await deliver();
    const second = await app.retention.prune({ now: later(400) });
    expect(second).toMatchObject({ items: 1, kept_items: 1, outbox_rows: 1 });
    expect(ids()).toEqual([storyLead, storyLater]);

    // Past the cut for the story's newest item too, the whole story goes.
    expect(await app.retention.prune({ now: later(500) })).toMatchObject({ items: 2, kept_items: 0 });
    expect(ids()).toEqual([]);
  });

  it('keeps the items an unsent digest lists, though their own alerts went out', async () => {
    await app.watches.add(CHANNEL, 'GPT-6', 'u1');
    await app.rhythm.setDigest(CHANNEL, { every: 'daily', day: null, time: '09:00', only: false });
    await storeItems(app, [{ title: 'OpenAI ships GPT-6 to every ChatGPT user' }]);
    await deliver();
    expect((await app.rhythm.sendDigest(CHANNEL)).stories).toBe(1);
    expect((await app.outbox.list()).map((row) => [row.kind, row.status])).toEqual([
      ['digest', 'pending'],
      ['alert', 'sent'],
    ]);

    // The sent alert is history by then (finished over 30 days before), but the digest still needs its item.
    expect(await app.retention.prune({ now: later(400) })).toMatchObject({ items: 0, kept_items: 1, outbox_rows: 1 });
    await deliver();
    expect(await app.retention.prune({ now: later(400) })).toMatchObject({ items: 1, kept_items: 0, outbox_rows: 1 });
    expect(await app.outbox.list()).toEqual([]);
  });

  it('deletes nothing on a dry run, and counts what the real prune then deletes', async () => {
    await app.watches.add(CHANNEL, 'GPT-6', 'u1');
    await app.watches.add(CHANNEL, 'Gemini', 'u1');
    await storeItems(app, [{ title: 'OpenAI ships GPT-6 to every ChatGPT user' }, { title: 'Nvidia reports record revenue' }]);
    await deliver();
    await storeItems(app, [{ title: 'Google releases Gemini 3 for developers' }]);
    const tables = ['items', 'item_sources', 'items_fts', 'story_terms', 'outbox', 'item_tombstones'];
    const counts = () => Object.fromEntries(tables.map((t) => [t, app.db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()]));
    const before = counts();

    const dry = await app.retention.prune({ now: later(400), dryRun: true });
    expect(dry).toMatchObject({ dry_run: true, items: 2, kept_items: 1, outbox_rows: 1, tombstones_added: 2, tombstones: 2, freed_bytes: null });
    expect(counts()).toEqual(before);
    expect(await app.retention.lastRun()).toBeNull();

    const real = await app.retention.prune({ now: later(400) });
    const { items, kept_items, outbox_rows, tombstones_added, tombstones } = dry;
    expect(real).toMatchObject({ dry_run: false, items, kept_items, outbox_rows, tombstones_added, tombstones });
    expect(await app.retention.lastRun()).not.toBeNull();
  });

  it('keeps everything when AINEWS_RETENTION is 0', async () => {
    await app.dispose();
    app = await testApp({ AINEWS_RETENTION: '0' });
    await storeItems(app, [{ title: 'OpenAI ships GPT-6 to every ChatGPT user' }]);
    const report = await app.retention.prune({ now: later(4000) });
    expect(app.retention.enabled).toBe(false);
    expect(report).toMatchObject({ cutoff: null, items: 0, outbox_rows: 0, batches: 0 });
    expect(ids()).toHaveLength(1);
  });

  it('goes in batches, oldest first, passing over what it keeps', async () => {
    await app.watches.add(CHANNEL, 'GPT-6', 'u1');
    await storeItems(app, [{ title: 'OpenAI ships GPT-6 to every ChatGPT user' }]);
    const titles = Array.from({ length: 1100 }, (_, i) => ({ title: `Report number ${i} on chips` }));
    // Left queued for the follow-up pass, which they would take long to go through: queued items go too.
    await storeItems(app, titles, { now: later(1), process: false });
    const report = await app.retention.prune({ now: later(400) });
    expect(report).toMatchObject({ items: 1100, kept_items: 1, batches: 3 });
    expect(ids()).toEqual([idOf('OpenAI ships GPT-6 to every ChatGPT user')]);
  });
});
