import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoryClusterer, termsOf } from '../src/cluster/clusterer.ts';
import { fingerprint } from '../src/cluster/fingerprint.ts';
import { openDatabase, type Database } from '../src/db/open.ts';
import { SqliteSql } from '../src/db/sql.ts';
import { StoryStore } from '../src/db/stories.ts';
import { defaults } from './settings.ts';
import { percentile } from './stats.ts';
import { Vocabulary } from './vocabulary.ts';

const SIZES = (process.env.BENCH_CLUSTER_SIZES ?? '10000,100000').split(',').map(Number);
const NEW_ITEMS = 1000;
const FEEDS = 30;
const WINDOW_MS = 48 * 3_600_000;
/** Anchors real reports carry, sprinkled into the generated titles so that cross-language lookups have work to do. */
const ANCHORS = ['OpenAI', 'GPT-5', 'Nvidia', 'H20', 'Anthropic', 'Claude 4.5', 'Qwen3', '83 亿美元', '$8.3 billion', 'DeepSeek', 'Gemini 3 Pro'];

interface Generated {
  title: string;
  body: string;
  lang: 'zh' | 'en';
}

function generate(vocabulary: Vocabulary, i: number): Generated {
  const zh = i % 2 === 0;
  const words = vocabulary.words(9, zh);
  if (i % 3 === 0) words.splice(Math.floor(vocabulary.random() * words.length), 0, ANCHORS[Math.floor(vocabulary.random() * ANCHORS.length)]!);
  const sep = zh ? '' : ' ';
  return { title: words.join(sep), body: vocabulary.words(30, zh).join(sep), lang: zh ? 'zh' : 'en' };
}

/** Fills the window with `size` items spread over 48 hours and 30 feeds, indexed as the clusterer indexes them. */
async function fillWindow(db: Database, size: number, now: number): Promise<void> {
  const vocabulary = new Vocabulary(40_000, 11);
  const feed = db.prepare("INSERT INTO feeds (id, url, name, interval_seconds, next_poll_at, created_at) VALUES (?, ?, ?, 900, 'x', 'x')");
  for (let f = 1; f <= FEEDS + 1; f++) feed.run(f, `https://bench.example/${f}`, `Outlet ${f}`);
  const item = db.prepare(
    `INSERT INTO items (id, dedupe_key, url, title, body, lang, published_at, published_at_source, backlog, first_seen_at, updated_at, story_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'feed', 0, ?, ?, ?)`,
  );
  const source = db.prepare("INSERT INTO item_sources (feed_id, guid, item_id, content_hash, first_seen_at) VALUES (?, ?, ?, 'h', 'x')");
  const sql = SqliteSql.open(db);
  const stories = new StoryStore(sql);
  await sql.withTransaction(async () => {
    for (let id = 1; id <= size; id++) {
      const g = generate(vocabulary, id);
      const at = new Date(now - WINDOW_MS + (id / size) * WINDOW_MS).toISOString();
      item.run(id, `bench.example/${id}`, `https://bench.example/${id}`, g.title, g.body, g.lang, at, at, at, id);
      source.run((id % FEEDS) + 1, `g${id}`, id);
      const print = fingerprint({ title: g.title, lead: g.body, lang: g.lang, publishedAt: Date.parse(at) });
      await stories.index(id, (id % FEEDS) + 1, Math.floor(Date.parse(at) / 1000), termsOf(print));
    }
  });
}

/** The cost of putting one new item in a story with `size` items in the window: candidates, comparisons, indexing. */
async function measure(size: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ainews-bench-cluster-'));
  try {
    const { db } = openDatabase(join(dir, 'cluster.db'), defaults.AINEWS_DB_BUSY_TIMEOUT);
    const now = Date.now();
    const buildStart = performance.now();
    await fillWindow(db, size, now);
    const buildMs = performance.now() - buildStart;
    const rows = (db.prepare('SELECT count(*) FROM story_terms').pluck().get() as number) / size;
    // A fresh clusterer: every candidate's fingerprint is computed, as after a restart (the worst case).
    const sql = SqliteSql.open(db);
    const clusterer = new StoryClusterer(new StoryStore(sql), { windowMs: WINDOW_MS });
    const vocabulary = new Vocabulary(40_000, 99);
    const insert = db.prepare(
      `INSERT INTO items (id, dedupe_key, url, title, body, lang, published_at, published_at_source, backlog, first_seen_at, updated_at)
       VALUES (?, ?, NULL, ?, ?, ?, ?, 'feed', 0, ?, ?)`,
    );
    const link = db.prepare("INSERT INTO item_sources (feed_id, guid, item_id, content_hash, first_seen_at) VALUES (?, ?, ?, 'h', 'x')");
    const existing = db.prepare('SELECT title, body, lang FROM items WHERE id = ?');
    const timings: number[] = [];
    let joined = 0;
    for (let n = 0; n < NEW_ITEMS; n++) {
      const id = size + n + 1;
      // One new item in five retells a story of the window, as the same news from another outlet does.
      const g = n % 5 === 0 ? (existing.get(1 + Math.floor(vocabulary.random() * size)) as Generated) : generate(vocabulary, n);
      const at = new Date(now - 60_000).toISOString();
      insert.run(id, `new/${id}`, g.title, g.body, g.lang, at, at, at);
      link.run(FEEDS + 1, `n${id}`, id);
      const start = performance.now();
      const [assignment] = await sql.withTransaction(async () => clusterer.assign([{ id, title: g.title, body: g.body, lang: g.lang, published_at: at }], FEEDS + 1, new Date(now)));
      timings.push(performance.now() - start);
      if (assignment!.via !== null) joined++;
    }
    db.close();
    timings.sort((a, b) => a - b);
    const mean = timings.reduce((a, b) => a + b, 0) / timings.length;
    return (
      `  ${size.toLocaleString('en').padStart(7)} in the window: ${mean.toFixed(2)} ms per new item (p50 ${percentile(timings, 50).toFixed(2)}, p95 ${percentile(timings, 95).toFixed(2)}), ` +
      `${Math.round(1000 / mean).toLocaleString('en')} items/s; ${joined}/${NEW_ITEMS} joined a story; window built in ${(buildMs / 1000).toFixed(1)} s, ${rows.toFixed(1)} index rows per item`
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function clusterBenchmark(): Promise<void> {
  console.log(`cluster: ${NEW_ITEMS} new items, each put in a story against the items of a 48 h window (half Chinese, Zipf vocabulary, 1 in 5 a retelling)`);
  for (const size of SIZES) console.log(await measure(size));
}
