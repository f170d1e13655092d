import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import Parser from 'rss-parser';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { ItemStore } from '../src/db/items.ts';
import { openDatabase } from '../src/db/open.ts';
import { SqliteSql } from '../src/db/sql.ts';
import { decodeFeed } from '../src/feeds/charset.ts';
import { fetchFeed } from '../src/feeds/fetch.ts';
import { normalizeEntry, type NormalizedItem } from '../src/feeds/normalize.ts';
import { parseFeed } from '../src/feeds/parse.ts';
import { createLogger } from '../src/log.ts';
import { BATCH_SIZE } from '../src/pipeline/process-items.ts';
import { defaults } from './settings.ts';
import { median } from './stats.ts';

const ITEMS = 2000;
const RUNS = 9;
/** Untimed first passes, so that both sides are measured with the JIT warm, as in a long-running bot. */
const WARMUP = 1;

const ZH_PARAGRAPH =
  '<p>IT之家 11 月 28 日消息，某国产大模型今日发布新版本，官方称其数学与代码推理能力提升 30%，并支持 128K 上下文。' +
  '新版本在多项中文评测中领先，价格与上一代持平——开发者可通过 API 调用。</p>';
const EN_PARAGRAPH =
  '<p>The lab released a new open-weights model today, trained on 15T tokens in 40 languages. It matches GPT-4.5 on ' +
  'MMLU, runs on a single node, and ships with a permissive license for research and commercial use.</p>';

/** A full-text RSS feed of 2,000 items, half Chinese and half English, about 2 KB of HTML each. */
function buildFeed(): string {
  const items: string[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const zh = i % 2 === 0;
    const title = zh ? `国产大模型发布第 ${i} 版，推理能力提升` : `Lab releases model number ${i} with open weights`;
    const html = `<img src="https://img.example/${i}.jpg"/>${(zh ? ZH_PARAGRAPH : EN_PARAGRAPH).repeat(6)}<script>track(${i})</script>`;
    const date = new Date(Date.UTC(2025, 7, 1) + i * 60_000).toUTCString();
    items.push(
      `<item><title>${title}</title><link>https://news.example.com/${zh ? 'zh' : 'en'}/${i}?utm_source=rss</link>` +
        `<guid>item-${i}</guid><pubDate>${date}</pubDate><description><![CDATA[${html}]]></description></item>`,
    );
  }
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench</title><link>https://news.example.com/</link>${items.join('')}</channel></rss>`;
}

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function ingestBenchmark(): Promise<void> {
  const xml = buildFeed();
  const bytes = Buffer.from(xml);
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(bytes));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`;
  const dir = mkdtempSync(join(tmpdir(), 'ainews-bench-'));

  const stages: Record<string, number[]> = { fetch: [], decode: [], parse: [], normalise: [], store: [] };
  const pipeline: number[] = [];
  const followUp: number[] = [];
  const stalls: number[] = [];
  const parseOnly: number[] = [];
  const insertOnly: number[] = [];
  try {
    for (let run = 0; run < WARMUP + RUNS; run++) {
      const config = loadConfig({ AINEWS_DB: join(dir, `pipeline-${run}.db`), AINEWS_SEED_DEFAULT_FEEDS: 'false', AINEWS_ALLOW_PRIVATE_NETWORK: 'true' });
      const app = await createApp(config, createLogger('silent'));
      const { feed } = await app.admin.add({ url });
      let stored = 0;
      let processed = 0;
      const measureIngest = async () => {
        const stall = monitorEventLoopDelay({ resolution: 1 });
        stall.enable();
        pipeline.push(await time(async () => (stored = (await app.poller.ingest(feed)).backlog)));
        // The monitor records a stall when its timer next fires: let it fire once more.
        await new Promise((resolve) => setTimeout(resolve, 10));
        stall.disable();
        return stall.max / 1e6;
      };
      const measureFloor = async () => {
        let parsed: { items: { title?: string; link?: string; guid?: string; content?: string; pubDate?: string }[] } = { items: [] };
        parseOnly.push(await time(async () => (parsed = await new Parser().parseString(xml))));
        const db = new Sqlite(join(dir, `floor-${run}.db`));
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, guid TEXT, url TEXT, title TEXT, body TEXT, published TEXT)');
        const insert = db.prepare('INSERT INTO items (guid, url, title, body, published) VALUES (?, ?, ?, ?, ?)');
        insertOnly.push(await time(() => db.transaction(() => parsed.items.forEach((i) => insert.run(i.guid, i.link, i.title, i.content, i.pubDate)))()));
        db.close();
      };
      // The ingest and its floor are measured back to back, in turn first and second, so that the
      // machine's speed, which drifts, and the garbage each leaves behind weigh on both alike.
      let ingestStall = 0;
      if (run % 2 === 0) {
        await measureFloor();
        ingestStall = await measureIngest();
      } else {
        ingestStall = await measureIngest();
        await measureFloor();
      }
      const stall = monitorEventLoopDelay({ resolution: 1 });
      stall.enable();
      followUp.push(await time(async () => (processed = (await app.processor.drain()).items)));
      await new Promise((resolve) => setTimeout(resolve, 10));
      stall.disable();
      stalls.push(Math.max(ingestStall, stall.max / 1e6));
      if (stored !== ITEMS || processed !== ITEMS) throw new Error(`pipeline stored ${stored} and processed ${processed} items, expected ${ITEMS}`);
      await app.close();

      // The same pipeline stage by stage, to show where the time goes.
      const settings = { timeoutMs: 30_000, maxBytes: 64 * 1024 * 1024, maxRedirects: 0, userAgent: 'ainews-bench', allowPrivateNetwork: true };
      let body: Buffer = Buffer.alloc(0);
      stages.fetch!.push(await time(async () => (body = (await fetchFeed(url, settings)).body)));
      let text = '';
      stages.decode!.push(await time(() => (text = decodeFeed(body, 'application/rss+xml; charset=utf-8').text)));
      let entries: Awaited<ReturnType<typeof parseFeed>>['entries'] = [];
      stages.parse!.push(await time(async () => (entries = (await parseFeed(text)).entries)));
      let normalised: NormalizedItem[] = [];
      const ctx = { feedId: 1, feedUrl: url, feedLanguage: null, now: new Date() };
      stages.normalise!.push(await time(() => (normalised = entries.map((e) => normalizeEntry(e, ctx)!))));
      const staged = openDatabase(join(dir, `stages-${run}.db`), defaults.AINEWS_DB_BUSY_TIMEOUT).db;
      staged.prepare("INSERT INTO feeds (id, url, interval_seconds, next_poll_at, created_at) VALUES (1, 'x', 900, 'x', 'x')").run();
      stages.store!.push(await time(() => new ItemStore(SqliteSql.open(staged)).store(1, normalised, { backlog: true, now: new Date() })));
      staged.close();
    }
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }

  for (const series of [pipeline, followUp, stalls, parseOnly, insertOnly, ...Object.values(stages)]) series.splice(0, WARMUP);
  const pipe = median(pipeline);
  const floor = median(parseOnly) + median(insertOnly);
  console.log(`ingest: ${ITEMS} items (half Chinese, half English), feed ${(Buffer.byteLength(xml) / 1024 / 1024).toFixed(1)} MB, median of ${RUNS} runs`);
  console.log(`  pipeline  fetch → parse → normalise → store   ${pipe.toFixed(0)} ms   ${((ITEMS / pipe) * 1000).toFixed(0)} items/s`);
  console.log(`  floor     rss-parser alone                    ${median(parseOnly).toFixed(0)} ms`);
  console.log(`  floor     raw INSERT, one transaction         ${median(insertOnly).toFixed(0)} ms`);
  console.log(`  floor     total                               ${floor.toFixed(0)} ms   ${((ITEMS / floor) * 1000).toFixed(0)} items/s`);
  console.log(`  stages    ${Object.entries(stages).map(([name, ms]) => `${name} ${median(ms).toFixed(0)} ms`).join(', ')}`);
  console.log(`  pipeline reaches ${((floor / pipe) * 100).toFixed(0)}% of the floor (target ≥ 50%)`);
  const after = median(followUp);
  console.log(`  follow-up index, stories, summaries, alerts   ${after.toFixed(0)} ms   ${((ITEMS / after) * 1000).toFixed(0)} items/s, in batches of ${BATCH_SIZE}`);
  console.log(`  end to end                                    ${(pipe + after).toFixed(0)} ms   ${((ITEMS / (pipe + after)) * 1000).toFixed(0)} items/s`);
  console.log(`  longest event-loop stall ${median(stalls).toFixed(0)} ms (the bot answers commands and heartbeats in between)`);
  console.log(`  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}
