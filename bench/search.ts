import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../src/db/open.ts';
import { SearchIndex } from '../src/db/search-index.ts';
import { SearchMatches } from '../src/db/search-matches.ts';
import { SqliteSql } from '../src/db/sql.ts';
import { parseSearchQuery } from '../src/search/query.ts';
import { SearchService } from '../src/search/search.ts';
import { defaults } from './settings.ts';
import { percentile } from './stats.ts';
import { postgresSearchFigures } from './search-postgres.ts';
import { Vocabulary } from './vocabulary.ts';
import { PAGE_SIZE } from '../commands/search.ts';

const ITEMS = Number(process.env.BENCH_SEARCH_ITEMS ?? 1_000_000);
const REPEATS = 20;

const QUERIES = [
  'model', // the most common English word
  'openai', // common
  'anthropic', // middling
  'zyxwvut', // rare
  '模型', // common two-character Chinese word
  '芯片', // middling
  '蒸馏', // rare
  '"openai model"', // phrase
  'gpt OR anthropic', // OR
  '融资 lang:zh', // with a filter
  'openai -model since:30d', // exclusion and date filter
];


/** Fills the database with ITEMS generated items, their sources and their index rows; returns the time it took. */
function buildCorpus(db: Database): number {
  const start = Date.now() - ITEMS * 30_000;
  // Real instants throughout, so that the corpus can be copied to PostgreSQL, which refuses anything else.
  const began = new Date(start).toISOString();
  db.prepare("INSERT INTO feeds (id, url, name, interval_seconds, next_poll_at, created_at) VALUES (1, 'https://bench.example/feed', 'Bench', 900, ?, ?)").run(began, began);
  const vocabulary = new Vocabulary();
  const insertItem = db.prepare(
    `INSERT INTO items (id, dedupe_key, url, title, body, lang, published_at, published_at_source, backlog, first_seen_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'feed', 0, ?, ?)`,
  );
  const insertSource = db.prepare("INSERT INTO item_sources (feed_id, guid, item_id, content_hash, first_seen_at) VALUES (1, ?, ?, 'h', ?)");
  const insertFts = db.prepare('INSERT INTO items_fts (rowid, title, body) VALUES (?, ?, ?)');
  const batch = 10_000;
  const buildStart = performance.now();
  for (let first = 1; first <= ITEMS; first += batch) {
    db.transaction(() => {
      for (let id = first; id < first + batch && id <= ITEMS; id++) {
        const zh = id % 2 === 0;
        const title = vocabulary.words(8, zh);
        const body = vocabulary.words(30, zh);
        const sep = zh ? '' : ' ';
        const at = new Date(start + id * 30_000).toISOString();
        insertItem.run(id, `bench.example/${id}`, `https://bench.example/${id}`, title.join(sep), body.join(sep), zh ? 'zh' : 'en', at, at, at);
        insertSource.run(`g${id}`, id, at);
        // The corpus is generated as words, so it is indexed as words: segmentation is timed in the ingest benchmark.
        insertFts.run(id, title.join(' '), body.join(' '));
      }
    })();
  }
  return performance.now() - buildStart;
}

/** Indexing as ingest does it, with jieba on the raw text, for a sample: the cost per 100k items. */
async function segmentedIndexMs(dir: string, sample: number): Promise<number> {
  const { db } = openDatabase(join(dir, 'segmented.db'), defaults.AINEWS_DB_BUSY_TIMEOUT);
  const vocabulary = new Vocabulary(40_000, 7);
  const sql = SqliteSql.open(db);
  const index = new SearchIndex(sql);
  const rows = Array.from({ length: sample }, (_, i) => {
    const zh = i % 2 === 0;
    const sep = zh ? '' : ' ';
    return { title: vocabulary.words(8, zh).join(sep), body: vocabulary.words(30, zh).join(sep) };
  });
  const start = performance.now();
  await sql.withTransaction(async () => {
    for (const [i, row] of rows.entries()) await index.add(i + 1, row.title, row.body);
  });
  const ms = performance.now() - start;
  db.close();
  return (ms / sample) * 100_000;
}

export async function searchBenchmark(): Promise<void> {
  // BENCH_SEARCH_DB keeps the generated database (and reuses it when it exists), to iterate on queries.
  const kept = process.env.BENCH_SEARCH_DB;
  const dir = kept ? null : mkdtempSync(join(tmpdir(), 'ainews-bench-search-'));
  const path = kept ?? join(dir!, 'search.db');
  const reuse = kept !== undefined && existsSync(kept);
  try {
    const { db } = openDatabase(path, defaults.AINEWS_DB_BUSY_TIMEOUT);
    let buildMs = 0;
    if (!reuse) buildMs = buildCorpus(db);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const sizeMb = statSync(path).size / 1024 / 1024;

    const service = new SearchService(new SearchMatches(SqliteSql.open(db)));
    const now = new Date();
    const timings: number[] = [];
    const medians = new Map<string, number>();
    const perQuery: string[] = [];
    for (const text of QUERIES) {
      const query = parseSearchQuery(text, now);
      await service.search(query, { pageSize: PAGE_SIZE, now }); // warm
      const runs: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        const t = performance.now();
        await service.search(query, { pageSize: PAGE_SIZE, now });
        runs.push(performance.now() - t);
      }
      runs.sort((a, b) => a - b);
      timings.push(...runs);
      medians.set(text, percentile(runs, 50));
      perQuery.push(`${text} ${percentile(runs, 50).toFixed(2)}`);
    }
    timings.sort((a, b) => a - b);

    // The baseline answers the same single-word queries with the same window (the newest 200 matches):
    // common words stop early, rare ones read every row.
    const like = db.prepare(`SELECT id, title FROM items WHERE title LIKE ? OR body LIKE ? ORDER BY id DESC LIMIT 200`);
    let likeTotal = 0;
    let ftsTotal = 0;
    const perWord: string[] = [];
    for (const word of QUERIES.filter((q) => /^[\p{L}]+$/u.test(q))) {
      like.all(`%${word}%`, `%${word}%`);
      const t = performance.now();
      like.all(`%${word}%`, `%${word}%`);
      const scan = performance.now() - t;
      likeTotal += scan;
      ftsTotal += medians.get(word)!;
      perWord.push(`${word} ${scan.toFixed(0)}`);
    }
    // BENCH_POSTGRES_URL (a PostgreSQL server ainews may create a database on): the same queries there.
    const postgresUrl = process.env.BENCH_POSTGRES_URL;
    const postgres = postgresUrl ? await postgresSearchFigures(db, postgresUrl, QUERIES, REPEATS, PAGE_SIZE) : null;
    db.close();

    const p50 = percentile(timings, 50);
    const p95 = percentile(timings, 95);
    console.log(`search: ${ITEMS.toLocaleString('en')} items (Zipf vocabulary, half Chinese), ${QUERIES.length} queries × ${REPEATS}`);
    const scratch = dir ?? mkdtempSync(join(tmpdir(), 'ainews-bench-segment-'));
    const segmentedPer100k = await segmentedIndexMs(scratch, 20_000);
    if (!dir) rmSync(scratch, { recursive: true, force: true });
    if (reuse) console.log(`  reusing ${path} (delete it to rebuild)`);
    else console.log(`  index build ${(buildMs / 1000).toFixed(1)} s (${((buildMs / ITEMS) * 100_000 / 1000).toFixed(1)} s per 100k items), database ${sizeMb.toFixed(0)} MB (${((sizeMb / ITEMS) * 100_000).toFixed(1)} MB per 100k items)`);
    console.log(`  indexing real text (jieba on raw Chinese, as ingest does): ${(segmentedPer100k / 1000).toFixed(1)} s per 100k items`);
    console.log(`  FTS5 search        p50 ${p50.toFixed(2)} ms   p95 ${p95.toFixed(2)} ms   (target p95 ≤ 10 ms)`);
    console.log(`  LIKE scan baseline, same single-word queries: ${(likeTotal / ftsTotal).toFixed(0)}× slower in total (target ≥ 50×); per word (ms): ${perWord.join(' | ')}`);
    console.log(`  per query p50 (ms): ${perQuery.join(' | ')}`);
    if (postgres) {
      console.log(`  PostgreSQL search  p50 ${postgres.p50.toFixed(2)} ms   p95 ${postgres.p95.toFixed(2)} ms   (tsvector under GIN; the corpus copied by export-db in ${postgres.exportSeconds.toFixed(1)} s)`);
      console.log(`  per query p50 on PostgreSQL (ms): ${postgres.perQuery.join(' | ')}`);
    } else console.log('  (BENCH_POSTGRES_URL unset: PostgreSQL not measured)');
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
