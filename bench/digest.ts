import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trendPng } from '../src/charts/render-png.ts';
import { ChannelSettingsStore } from '../src/db/channel-settings.ts';
import { ItemStore } from '../src/db/items.ts';
import { openDatabase } from '../src/db/open.ts';
import { OutboxFolds } from '../src/db/outbox-folds.ts';
import { SqliteSql } from '../src/db/sql.ts';
import { StoryStore } from '../src/db/stories.ts';
import { TrendItems } from '../src/db/trend-items.ts';
import { WatchStore } from '../src/db/watches.ts';
import { composeRoundup } from '../src/delivery/compose-roundup.ts';
import { createLogger } from '../src/log.ts';
import { WatchMatcher } from '../src/match/matcher.ts';
import { Gatherer } from '../src/rhythm/gatherer.ts';
import { Trends } from '../src/rhythm/trends.ts';
import { defaults } from './settings.ts';
import { percentile } from './stats.ts';
import { Vocabulary } from './vocabulary.ts';

const ITEMS = 100_000;
const FEEDS = 20;
const WATCHES = 50;
const DAYS = 30;
const RUNS = 21;
const CHANNEL = 'slack:T0BENCH/C0DIGEST';
const DAY_MS = 86_400_000;

class Rollback extends Error {}

/**
 * A weekly digest for a channel with 50 watches, over 100,000 items of the last 30 days from 20 feeds,
 * a third of them retold by other feeds (stories of 2–4 outlets). Routing queued the channel's alerts
 * (one per story its watches match) as it would have; the digest ranks the week's, queues the top ten,
 * and its message is composed. Each run is rolled back, so that every run builds the same digest.
 */
export async function digestBenchmark(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ainews-bench-digest-'));
  const { db } = openDatabase(join(dir, 'digest.db'), defaults.AINEWS_DB_BUSY_TIMEOUT);
  try {
    const now = new Date();
    const vocabulary = new Vocabulary();
    const at = (id: number) => new Date(now.getTime() - DAYS * DAY_MS + (id * DAYS * DAY_MS) / ITEMS).toISOString();
    const insertFeed = db.prepare("INSERT INTO feeds (id, url, name, interval_seconds, next_poll_at, created_at) VALUES (?, ?, ?, 900, 'x', 'x')");
    const insertItem = db.prepare(
      `INSERT INTO items (id, dedupe_key, url, title, body, lang, published_at, published_at_source, backlog, first_seen_at, updated_at, story_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'feed', 0, ?, ?, ?)`,
    );
    const insertSource = db.prepare("INSERT INTO item_sources (feed_id, guid, item_id, content_hash, first_seen_at) VALUES (?, ?, ?, 'h', ?)");
    const texts: { id: number; title: string; body: string; story: number }[] = [];
    db.transaction(() => {
      for (let f = 1; f <= FEEDS; f++) insertFeed.run(f, `https://feed${f}.example/rss`, `Outlet ${f}`);
      for (let id = 1; id <= ITEMS; id++) {
        const zh = id % 2 === 0;
        // One item in three retells the story of an item a little before it, from another feed.
        const story = id % 3 === 0 && id > 10 ? id - 1 - (id % 7) : id;
        const sep = zh ? '' : ' ';
        const title = vocabulary.words(8, zh).join(sep);
        const body = vocabulary.words(30, zh).join(sep);
        insertItem.run(id, `bench.example/${id}`, `https://bench.example/${id}`, title, body, zh ? 'zh' : 'en', at(id), at(id), at(id), story);
        insertSource.run(1 + (id % FEEDS), `g${id}`, id, at(id));
        texts.push({ id, title, body, story });
      }
    })();
    const sql = SqliteSql.open(db);
    const watches = new WatchStore(sql);
    const words = [...vocabulary.english.slice(200, 200 + WATCHES / 2), ...vocabulary.chinese.slice(200, 200 + WATCHES / 2)];
    for (const word of words) await watches.add(CHANNEL, word, 'bench', new Date(now.getTime() - 40 * DAY_MS));
    // Routing's alerts: the first matching item of each story the channel's watches match.
    const matcher = new WatchMatcher(await watches.list(CHANNEL));
    const insertAlert = db.prepare(
      `INSERT INTO outbox (kind, item_id, story_id, channel, platform, watch_id, watch_query, status, next_attempt_at, created_at, sent_at, platform_message_id)
       VALUES ('alert', ?, ?, ?, 'slack', ?, ?, 'sent', ?, ?, ?, 'ts') ON CONFLICT DO NOTHING`,
    );
    let alerts = 0;
    db.transaction(() => {
      for (const item of texts) {
        const [watch] = matcher.match({ title: item.title, body: item.body, sources: [] });
        if (watch) alerts += insertAlert.run(item.id, item.story, CHANNEL, watch.id, watch.query, at(item.id), at(item.id), at(item.id)).changes;
      }
    })();
    const settings = new ChannelSettingsStore(sql, 'UTC');
    await settings.setDigest(CHANNEL, { every: 'weekly', day: 1, time: '09:00', only: false }, now);
    await settings.scheduleDigest(CHANNEL, now, new Date(now.getTime() - 7 * DAY_MS));
    const folds = new OutboxFolds(sql);
    const gatherer = new Gatherer({ folds, settings, transaction: (work) => sql.withTransaction(() => work()), log: createLogger('silent') });
    const stores = { items: new ItemStore(sql), stories: new StoryStore(sql) };
    const trends = new Trends({ items: new TrendItems(sql), watches, settings });

    const build: number[] = [];
    const chart: number[] = [];
    let told = 0;
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now();
      try {
        await sql.withTransaction(async (tx) => {
          const { id, stories } = await gatherer.queueDigest(CHANNEL, now);
          const row = (await tx.get<Parameters<typeof composeRoundup>[0]>('SELECT * FROM outbox WHERE id = ?', [id]))!;
          told = (await composeRoundup(row, stores))!.entries.length;
          if (stories === 0) throw new Error('the digest was empty');
          throw new Rollback();
        });
      } catch (error) {
        if (!(error instanceof Rollback)) throw error;
      }
      build.push(performance.now() - start);
      if (run < 5) {
        const drawn = performance.now();
        trendPng((await trends.of(CHANNEL, 7, now)).data);
        chart.push(performance.now() - drawn);
      }
    }
    build.sort((a, b) => a - b);
    chart.sort((a, b) => a - b);
    console.log(`digest: a weekly digest of a channel with ${WATCHES} watches over ${ITEMS.toLocaleString('en')} items (${alerts.toLocaleString('en')} alerts routed to it in ${DAYS} days), ${RUNS} runs`);
    console.log(`  rank the week's stories, queue the top ${told} and compose the message: p50 ${percentile(build, 50).toFixed(1)} ms, p95 ${percentile(build, 95).toFixed(1)} ms (target: p95 < 200 ms)`);
    console.log(`  its trends chart (8 watches, 7 days, counted over the week's items and drawn as PNG): p50 ${percentile(chart, 50).toFixed(0)} ms over ${chart.length} runs`);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
