import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ask as askApp } from '../helpers/ask.ts';
import { createApp } from '../../src/app.ts';
import { StoryClusterer } from '../../src/cluster/clusterer.ts';
import { PendingItems } from '../../src/db/pending-items.ts';
import { parseSearchQuery } from '../../src/search/query.ts';
import { SearchIndex } from '../../src/db/search-index.ts';
import { SqliteSql } from '../../src/db/sql.ts';
import { createLogger } from '../../src/log.ts';
import { ItemProcessor } from '../../src/pipeline/process-items.ts';
import { Summaries } from '../../src/summarize/summaries.ts';
import type { ItemRow } from '../../src/db/items.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { FeedServer } from '../helpers/feed-server.ts';
import { storeItems } from '../helpers/items.ts';
import { NewsFeed } from '../helpers/news-feed.ts';

let server: FeedServer;
let app: TestApp;
let news: NewsFeed;

const CHANNEL = 'console:team';
const ask = (text: string) => askApp(app, text, { channel: CHANNEL, admin: true });
const searchTitles = async (query: string) => (await app.search.search(parseSearchQuery(query), { pageSize: 10 })).hits.map((hit) => hit.title);
const pending = () => (app.db.prepare('SELECT count(*) FROM pending_items').pluck().get() as number);
const alerts = () => app.db.prepare("SELECT item_id FROM outbox WHERE kind = 'alert' ORDER BY id").pluck().all() as number[];

beforeEach(async () => {
  server = await new FeedServer().listen();
  app = await testApp();
  news = new NewsFeed(server, 'Example News');
  await news.subscribe(app);
  await ask('watch GPT-5');
});

afterEach(async () => {
  await app.dispose();
  await server.close();
});

/** Publishes an article and stores it as a poll would, without the follow-up pass. */
async function ingest(title: string, body = '<p>The new model is out for everyone.</p>') {
  news.post(title, body);
  const outcome = await app.poller.ingest((await app.feeds.find(server.url('/feed')))!);
  return outcome.fresh[0]!;
}

describe('the follow-up pass after a poll stores its items', () => {
  it('stores first, then indexes, clusters, summarizes and routes in a pass of its own', async () => {
    const item = await ingest('OpenAI ships GPT-5 to every ChatGPT user');
    expect(await app.items.find(item.id)).toMatchObject({ title: 'OpenAI ships GPT-5 to every ChatGPT user', summary: null, story_id: null });
    expect(pending()).toBe(1);
    expect(await searchTitles('GPT-5')).toEqual([]);
    expect(alerts()).toEqual([]);
    expect(await ask(`why ${item.id}`)).toMatchObject({ lines: [expect.any(String), expect.stringContaining('waiting for the follow-up pass')] });

    expect(await app.processor.drain()).toEqual({ items: 1, alerts: 1 });
    expect(pending()).toBe(0);
    expect(await searchTitles('GPT-5')).toEqual(['OpenAI ships GPT-5 to every ChatGPT user']);
    expect(await app.items.find(item.id)).toMatchObject({ story_id: item.id, summarizer: 'builtin', summary: expect.stringContaining('new model') });
    expect(alerts()).toEqual([item.id]);
    expect(await ask(`why ${item.id}`)).toMatchObject({ lines: expect.arrayContaining([expect.stringContaining('matched the watch "GPT-5"')]) });
  });

  it('finishes, after a restart, what a stopped process stored, and alerts it once', async () => {
    const item = await ingest('OpenAI ships GPT-5 to every ChatGPT user');
    // The process stops between storing and the follow-up pass (as a crash would); the next one starts.
    await app.close();
    const next = await createApp(app.config, createLogger('silent'));
    try {
      expect(await next.items.pendingState(item.id)).toEqual({ attempts: 0, last_error: null, next_attempt_at: null });
      // No feed is due: the tick finishes the leftovers all the same.
      expect(await next.scheduler.tick()).toMatchObject({ polled: 0 });
      expect(await next.items.pendingState(item.id)).toBeUndefined();
      expect(next.db!.prepare("SELECT item_id FROM outbox WHERE kind = 'alert'").pluck().all()).toEqual([item.id]);
      await next.scheduler.tick({ all: true });
      expect(next.db!.prepare("SELECT count(*) FROM outbox WHERE kind = 'alert'").pluck().get()).toBe(1);
    } finally {
      await next.close();
    }
  });

  it('works through a long queue a batch per transaction, letting the event loop turn in between', async () => {
    await storeItems(app, Array.from({ length: 100 }, (_, i) => ({ title: `GPT-5 report number ${i}` })), { process: false });
    let turns = 0;
    let done = false;
    const spin = () => {
      turns++;
      if (!done) setImmediate(spin);
    };
    setImmediate(spin);
    const result = await app.processor.drain();
    done = true;
    expect(result).toEqual({ items: 100, alerts: 100 });
    // 100 items in batches of 32: the loop turned between each two of the four batches.
    expect(turns).toBeGreaterThanOrEqual(3);
  });

  it('lets a call that joins a finishing pass wait for the items stored after that pass found the queue empty', async () => {
    // The pass finds nothing at once; it has not settled when another poll stores items and calls drain.
    const first = app.processor.drain();
    const { created } = await storeItems(app, [{ title: 'GPT-5 arrives late' }], { process: false });
    const joined = app.processor.drain();
    expect(await first).toEqual({ items: 0, alerts: 0 });
    expect(await joined).toEqual({ items: 1, alerts: 1 });
    expect(alerts()).toEqual([created[0]!.id]);
  });

  it('stops after its current batch and leaves the rest queued for the next pass', async () => {
    await storeItems(app, Array.from({ length: 100 }, (_, i) => ({ title: `GPT-5 report number ${i}` })), { process: false });
    const pass = app.processor.drain();
    await app.processor.stop();
    expect((await pass).items).toBe(32);
    expect(pending()).toBe(68);
    expect(await app.processor.drain()).toEqual({ items: 0, alerts: 0 });

    await app.close();
    const next = await createApp(app.config, createLogger('silent'));
    try {
      expect(await next.processor.drain()).toEqual({ items: 68, alerts: 68 });
      expect(next.db!.prepare("SELECT count(*) FROM outbox WHERE kind = 'alert'").pluck().get()).toBe(100);
    } finally {
      await next.close();
    }
  });

  it('lets an item that fails on its own wait and try again later, finishing the others meanwhile', async () => {
    const lines: string[] = [];
    let clock = Date.now();
    const cursedFails = processorWith((rows) => rows.some((row) => row.title.includes('cursed')), lines, () => new Date(clock));
    const { created } = await storeItems(app, [{ title: 'GPT-5 first' }, { title: 'GPT-5 cursed' }, { title: 'GPT-5 third' }], { process: false });
    const [first, cursed, third] = created.map((item) => item.id) as [number, number, number];

    expect(await cursedFails.drain()).toEqual({ items: 2, alerts: 2 });
    expect(alerts()).toEqual([first, third]);
    expect(await searchTitles('third')).toEqual(['GPT-5 third']);
    expect(await app.items.pendingState(cursed)).toEqual({ attempts: 1, last_error: 'cannot read properties of undefined', next_attempt_at: new Date(clock + 60_000).toISOString() });
    expect(logged(lines)).toContainEqual(expect.objectContaining({ level: 50, item: cursed, attempts: 1, msg: expect.stringContaining('tried again later') }));
    expect(await ask(`why ${cursed}`)).toMatchObject({ lines: [expect.any(String), expect.stringContaining('failed 1 time (cannot read properties of undefined)')] });

    // Not tried again before its time, and holding up nothing: a later item goes through.
    await storeItems(app, [{ title: 'GPT-5 fourth' }], { process: false });
    expect(await cursedFails.drain()).toEqual({ items: 1, alerts: 1 });
    expect(await app.items.pendingState(cursed)).toMatchObject({ attempts: 1 });
    clock += 61_000;
    expect(await cursedFails.drain()).toEqual({ items: 0, alerts: 0 });
    expect(await app.items.pendingState(cursed)).toMatchObject({ attempts: 2, next_attempt_at: new Date(clock + 120_000).toISOString() });

    // Once the cause is gone, its next attempt finishes it.
    clock += 121_000;
    expect(await processorWith(() => false, lines, () => new Date(clock)).drain()).toEqual({ items: 1, alerts: 1 });
    expect(alerts()).toContain(cursed);
    expect(await app.items.pendingState(cursed)).toBeUndefined();
  });

  it('stops the pass, keeping the rest queued as they were, when item after item fails whatever the item', async () => {
    const lines: string[] = [];
    let clock = Date.now();
    const allFail = processorWith(() => true, lines, () => new Date(clock));
    await storeItems(app, [{ title: 'GPT-5 one' }, { title: 'GPT-5 two' }, { title: 'GPT-5 three' }], { process: false });

    // Calls that join the pass do not start it again after it stopped on the failures.
    expect(await Promise.all([allFail.drain(), allFail.drain(), allFail.drain()])).toEqual(Array(3).fill({ items: 0, alerts: 0 }));
    expect(app.db.prepare('SELECT attempts FROM pending_items ORDER BY seq').pluck().all()).toEqual([1, 1, 0]);
    expect(logged(lines)).toContainEqual(expect.objectContaining({ level: 50, msg: expect.stringContaining('two stored items in a row failed') }));
    // Once the cause is gone, every item goes through: the third at once, the first two when due.
    const fixed = processorWith(() => false, lines, () => new Date(clock));
    expect(await fixed.drain()).toEqual({ items: 1, alerts: 1 });
    clock += 61_000;
    expect(await fixed.drain()).toEqual({ items: 2, alerts: 2 });
  });
});

/** A processor over the app's database whose summarizer fails on the rows `fails` picks, as a bug on some input would. */
function processorWith(fails: (rows: ItemRow[]) => boolean, lines: string[], now: () => Date): ItemProcessor {
  const summaries = new Summaries(app.items, { zhChars: 80, enWords: 40 });
  const failing = Object.assign(Object.create(summaries) as Summaries, {
    fill: (rows: ItemRow[], options?: { backlog?: boolean }) => {
      if (fails(rows)) throw new TypeError('cannot read properties of undefined');
      return summaries.fill(rows, options);
    },
  });
  return new ItemProcessor({
    pending: new PendingItems(SqliteSql.open(app.db)),
    index: new SearchIndex(SqliteSql.open(app.db)),
    clusterer: new StoryClusterer(app.stories, { windowMs: 48 * 3_600_000 }),
    summaries: failing,
    router: app.router,
    transaction: (work) => app.sql.withTransaction(work),
    log: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }),
    now,
  });
}

function logged(lines: string[]) {
  return lines.map((line) => JSON.parse(line) as { level: number; msg: string; item?: number; attempts?: number });
}
