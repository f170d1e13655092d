import { readdirSync, readFileSync } from 'node:fs';
import { decodeFeed } from '../../src/feeds/charset.ts';
import { FeedFetchError, FeedParseError } from '../../src/feeds/errors.ts';
import { fetchFeed } from '../../src/feeds/fetch.ts';
import { normalizeEntry, type NormalizedItem } from '../../src/feeds/normalize.ts';
import { parseFeed } from '../../src/feeds/parse.ts';
import { WatchMatcher } from '../../src/match/matcher.ts';
import { parseWatch, WatchSyntaxError } from '../../src/match/watch-query.ts';
import { parseSearchQuery, QueryError } from '../../src/search/query.ts';
import { testApp } from '../helpers/app.ts';
import { FeedServer } from '../helpers/feed-server.ts';
import { storeItems } from '../helpers/items.ts';
import { seededRandom } from './random.ts';

export interface FuzzReport {
  seed: number;
  inputs: number;
  /** Feeds that ended stored (some items, or none) or as that feed's error; crashes must be 0. */
  stored: number;
  feedErrors: number;
  rejected: number;
  crashes: string[];
}

const FIXTURES = new URL('../fixtures/feeds/', import.meta.url);

/** A fixture feed damaged one of the ways real ones are: cut short, bytes flipped, pieces spliced in or lost. */
function mutate(random: () => number, fixtures: Buffer[]): Buffer {
  const pick = () => fixtures[Math.floor(random() * fixtures.length)]!;
  let bytes = Buffer.from(pick());
  const at = () => Math.floor(random() * (bytes.length + 1));
  // Mostly one light change, so that many inputs get past the parser into normalising and storing.
  for (let step = 0, steps = random() < 0.7 ? 1 : 2 + Math.floor(random() * 2); step < steps; step++) {
    const kind = Math.floor(random() * 5);
    if (kind === 0) bytes = bytes.subarray(0, at());
    else if (kind === 1) for (let i = 0, n = 1 + Math.floor(random() * 5); i < n && bytes.length; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
    else if (kind === 2) {
      const other = pick();
      const from = Math.floor(random() * other.length);
      const piece = other.subarray(from, from + Math.floor(random() * 400));
      const where = at();
      bytes = Buffer.concat([bytes.subarray(0, where), piece, bytes.subarray(where)]);
    } else if (kind === 3) {
      const from = at();
      bytes = Buffer.concat([bytes.subarray(0, from), bytes.subarray(from + Math.floor(random() * 300))]);
    } else {
      const from = at();
      const chunk = bytes.subarray(from, from + Math.floor(random() * 200));
      bytes = Buffer.concat([bytes.subarray(0, from), chunk, chunk, chunk, bytes.subarray(from)]);
    }
  }
  return bytes;
}

/**
 * Mutated fixture feeds through fetch → decode → parse → normalise → store, stage by stage: each must end
 * as stored items or as the feed's own error (FeedParseError, FeedFetchError); anything else thrown is a
 * crash, a bug the poller would have filed as that feed's error.
 */
export async function fuzzFeeds(seed: number, inputs: number): Promise<FuzzReport> {
  const random = seededRandom(seed);
  const fixtures = readdirSync(FIXTURES).map((name) => readFileSync(new URL(name, FIXTURES)));
  const server = await new FeedServer().listen();
  const app = await testApp();
  const settings = { timeoutMs: 5000, maxBytes: 10 * 1024 * 1024, maxRedirects: 5, userAgent: 'ainews-fuzz', allowPrivateNetwork: true };
  const { feed } = await app.admin.add({ url: server.url('/fuzz') });
  const report: FuzzReport = { seed, inputs, stored: 0, feedErrors: 0, rejected: 0, crashes: [] };
  try {
    for (let i = 0; i < inputs; i++) {
      const body = mutate(random, fixtures);
      const type = random() < 0.5 ? 'application/rss+xml; charset=utf-8' : random() < 0.5 ? 'application/json' : 'text/xml; charset=gb2312';
      server.route(`/f/${i}`, { body, headers: { 'content-type': type } });
      try {
        const fetched = await fetchFeed(server.url(`/f/${i}`), settings);
        const { text } = decodeFeed(fetched.body, fetched.contentType);
        const parsed = await parseFeed(text);
        const now = new Date();
        const context = { feedId: feed.id, feedUrl: fetched.finalUrl, feedLanguage: parsed.language, now };
        const items = parsed.entries.map((entry) => normalizeEntry(entry, context)).filter((item): item is NormalizedItem => item !== null);
        await app.items.store(feed.id, items, { backlog: false, now });
        while (await app.processor.processNext()) {
          // indexes, clusters and summarizes what was stored, a batch per call
        }
        report.stored++;
      } catch (error) {
        if (error instanceof FeedParseError || error instanceof FeedFetchError) report.feedErrors++;
        else report.crashes.push(`input ${i}: ${(error as Error).stack}`);
      }
    }
    const integrity = app.db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') report.crashes.push(`integrity_check: ${String(integrity)}`);
  } finally {
    await app.dispose();
    await server.close();
  }
  return report;
}

const ALPHABET = [
  ...'abcxyzGPT5 0123456789',
  ...'"\'()*^:-+~|&<>[]{}\\/%_.,;!?#@$=`',
  ...'大模型推理，。「」、中文华为',
  'OR', 'AND', 'NOT', 'NEAR', 'page', 'source:', 'since:', 'lang:', 'in:title', ' page 2',
  '🚀', '👩‍💻', 'مرحبا', '\u202E', '\u200B', '\u0000', '\uFFFD', '\uD800', 'ＧＰＴ－５', '\t', '\n',
];

function randomText(random: () => number): string {
  let text = '';
  for (let i = 0, n = Math.floor(random() * 40); i < n; i++) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return text;
}

/**
 * Random strings through the query parser and a real FTS5 search, and through the watch parser and the
 * compiled matcher: each must give results, or a QueryError or WatchSyntaxError, never anything else.
 */
export async function fuzzParsers(seed: number, inputs: number): Promise<FuzzReport> {
  const random = seededRandom(seed);
  const app = await testApp();
  await storeItems(app, [{ title: 'OpenAI ships GPT-5', body: '大模型推理能力提升' }, { title: '华为发布新芯片', body: 'AI chips' }]);
  const report: FuzzReport = { seed, inputs, stored: 0, feedErrors: 0, rejected: 0, crashes: [] };
  try {
    for (let i = 0; i < inputs; i++) {
      const text = randomText(random);
      try {
        await app.search.search(parseSearchQuery(text), { pageSize: 5 });
        report.stored++;
      } catch (error) {
        if (error instanceof QueryError) report.rejected++;
        else report.crashes.push(`query ${JSON.stringify(text)}: ${(error as Error).stack}`);
      }
      try {
        parseWatch(text);
        new WatchMatcher([{ id: 1, channel: 'console:x', query: text }]).match({ title: text, body: '大模型 GPT-5 华为', sources: [] });
        report.stored++;
      } catch (error) {
        if (error instanceof WatchSyntaxError) report.rejected++;
        else report.crashes.push(`watch ${JSON.stringify(text)}: ${(error as Error).stack}`);
      }
    }
  } finally {
    await app.dispose();
  }
  return report;
}
