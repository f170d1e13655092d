import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ItemRetention } from '../src/db/item-retention.ts';
import { lastPruneAt, recordPrune } from '../src/db/meta.ts';
import { openDatabase, type Database } from '../src/db/open.ts';
import { OutboxRetention } from '../src/db/outbox-retention.ts';
import { SearchMerges } from '../src/db/search-merges.ts';
import { SqliteSql } from '../src/db/sql.ts';
import { storageSize, vacuum } from '../src/db/storage.ts';
import { Tombstones } from '../src/db/tombstones.ts';
import { Retention } from '../src/retention/prune.ts';
import { defaults } from './settings.ts';
import { percentile } from './stats.ts';
import { Vocabulary } from './vocabulary.ts';

const ITEMS = Number(process.env.BENCH_PRUNE_ITEMS ?? 100_000);
const FEEDS = 20;
const TERMS = 16;
const DAY_MS = 86_400_000;
const RETENTION_MS = 365 * DAY_MS;
const CHANNEL = 'slack:T0BENCH/C0PRUNE';

/**
 * Fills a database as a year and more of polling would: ITEMS items first seen evenly over twice the
 * retention, each with its source, its search row and its candidate index terms; a third retell an item
 * a little before them (stories of 2–4 outlets); one in ten was alerted (sent), and one in 500 has an
 * alert still waiting to be sent (an old one keeps its story).
 */
function fill(db: Database, now: Date): void {
  const vocabulary = new Vocabulary();
  const at = (id: number) => new Date(now.getTime() - 2 * RETENTION_MS + (id * 2 * RETENTION_MS) / ITEMS);
  db.prepare("INSERT INTO channels (id, platform, created_at) VALUES (?, 'slack', 'x')").run(CHANNEL);
  const insertFeed = db.prepare("INSERT INTO feeds (id, url, name, interval_seconds, next_poll_at, created_at) VALUES (?, ?, ?, 900, 'x', 'x')");
  const insertItem = db.prepare(
    `INSERT INTO items (id, dedupe_key, url, title, body, lang, published_at, published_at_source, backlog, first_seen_at, updated_at, story_id, summary, summarizer)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'feed', 0, ?, ?, ?, ?, 'builtin')`,
  );
  const insertSource = db.prepare("INSERT INTO item_sources (feed_id, guid, item_id, content_hash, first_seen_at) VALUES (?, ?, ?, 'h', ?)");
  const insertFts = db.prepare('INSERT INTO items_fts (rowid, title, body, subwords) VALUES (?, ?, ?, ?)');
  const insertTerms = db.prepare('INSERT INTO story_terms (term, at, item_id, feed_id) SELECT value, ?, ?, ? FROM json_each(?) WHERE true ON CONFLICT DO NOTHING');
  const insertAlert = db.prepare(
    `INSERT INTO outbox (kind, item_id, story_id, channel, platform, watch_query, status, next_attempt_at, created_at, sent_at, platform_message_id)
     VALUES ('alert', ?, ?, ?, 'slack', 'bench', ?, ?, ?, ?, 'ts') ON CONFLICT DO NOTHING`,
  );
  const batch = 10_000;
  for (let first = 1; first <= ITEMS; first += batch) {
    db.transaction(() => {
      if (first === 1) for (let f = 1; f <= FEEDS; f++) insertFeed.run(f, `https://feed${f}.example/rss`, `Outlet ${f}`);
      for (let id = first; id < first + batch && id <= ITEMS; id++) {
        const zh = id % 2 === 0;
        const story = id % 3 === 0 && id > 10 ? id - 1 - (id % 7) : id;
        const title = vocabulary.words(8, zh);
        const body = vocabulary.words(120, zh);
        const sep = zh ? '' : ' ';
        const seen = at(id).toISOString();
        const feed = 1 + (id % FEEDS);
        insertItem.run(id, `bench.example/${id}`, `https://bench.example/${id}`, title.join(sep), body.join(sep), zh ? 'zh' : 'en', seen, seen, seen, story, body.slice(0, 20).join(sep));
        insertSource.run(feed, `g${id}`, id, seen);
        insertFts.run(id, title.join(' '), body.join(' '), '');
        insertTerms.run(Math.floor(at(id).getTime() / 1000), id, feed, JSON.stringify(vocabulary.words(TERMS, zh)));
        const unsent = id % 500 === 0;
        if (id % 10 === 0 || unsent) insertAlert.run(id, story, CHANNEL, unsent ? 'pending' : 'sent', seen, seen, unsent ? null : seen);
      }
    })();
  }
}

function fileSize(db: Database, path: string): number {
  db.pragma('wal_checkpoint(TRUNCATE)');
  return statSync(path).size;
}

export async function pruneBenchmark(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ainews-bench-prune-'));
  const path = join(dir, 'prune.db');
  const { db } = openDatabase(path, defaults.AINEWS_DB_BUSY_TIMEOUT);
  try {
    const now = new Date();
    const built = performance.now();
    fill(db, now);
    const buildS = (performance.now() - built) / 1000;
    const before = fileSize(db, path);
    // The write lock is held from BEGIN IMMEDIATE to COMMIT: each batch's transaction, timed whole.
    const locks: number[] = [];
    const sql = SqliteSql.open(db);
    const retention = new Retention({
      items: new ItemRetention(sql),
      outbox: new OutboxRetention(sql),
      tombstones: new Tombstones(sql),
      search: new SearchMerges(sql),
      // SQLite's port begins each transaction IMMEDIATE: the write lock is taken at once.
      transaction: async <T>(work: () => Promise<T>): Promise<T> => {
        const start = performance.now();
        try {
          return await sql.withTransaction(() => work());
        } finally {
          locks.push(performance.now() - start);
        }
      },
      size: async () => storageSize(db),
      lastRun: () => lastPruneAt(sql),
      recordRun: (at) => recordPrune(sql, at),
      retentionMs: RETENTION_MS,
    });
    const report = await retention.prune({ now });
    const afterPrune = fileSize(db, path);
    const free = storageSize(db).freeBytes;
    const vacuumStart = performance.now();
    vacuum(db);
    const vacuumS = (performance.now() - vacuumStart) / 1000;
    const afterVacuum = fileSize(db, path);
    locks.sort((a, b) => a - b);
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    console.log(`prune: ${ITEMS.toLocaleString('en')} items (sources, search rows, ${TERMS} story terms each, one in ten alerted, one in 500 waiting) first seen over two years; AINEWS_RETENTION=365d`);
    console.log(`  database built in ${buildS.toFixed(1)} s: ${mb(before)}`);
    console.log(
      `  pruned ${report.items.toLocaleString('en')} items (${report.kept_items} older ones kept for their stories or unsent alerts), ` +
        `${report.outbox_rows.toLocaleString('en')} outbox rows, ${report.tombstones_added.toLocaleString('en')} tombstones left, in ${(report.elapsed_ms / 1000).toFixed(1)} s (${report.batches} batches)`,
    );
    console.log(
      `  write lock, over its ${locks.length} transactions (deletions, then the search index's merges; each timed from BEGIN to the end of its ` +
        `COMMIT and of the WAL checkpoint that may follow): p50 ${percentile(locks, 50).toFixed(0)} ms, p95 ${percentile(locks, 95).toFixed(0)} ms, ` +
        `longest ${locks.at(-1)!.toFixed(0)} ms (the prune's own measure: ${report.longest_lock_ms.toFixed(0)} ms)`,
    );
    console.log(`  file after the prune, before VACUUM: ${mb(afterPrune)}, of which ${mb(free)} free pages (reused by new items)`);
    console.log(`  after VACUUM (${vacuumS.toFixed(1)} s, the write lock held throughout): ${mb(afterVacuum)}`);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
