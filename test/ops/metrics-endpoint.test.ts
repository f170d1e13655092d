import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpsServer } from '../../src/ops/http-server.ts';
import { serveOps } from '../../src/ops/serve-ops.ts';
import { ConsoleSender } from '../../src/platforms/console/console-sender.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { FeedServer, rss } from '../helpers/feed-server.ts';
import { FakeLlmServer } from '../helpers/llm-server.ts';
import { FAST_DELIVERY } from '../helpers/news-feed.ts';
import { Scrape } from '../helpers/scrape.ts';

const HOUR_MS = 3_600_000;
const old = { title: 'Anthropic opens a Tokyo office', link: 'https://news.example.com/1', guid: 'g1' };
// Published 30 hours before it is polled: its alert is a day and more late.
const late = { title: 'Nvidia reports record data-centre revenue', link: 'https://news.example.com/2', guid: 'g2', pubDate: new Date(Date.now() - 30 * HOUR_MS).toUTCString() };
// Dated next year, a date that cannot be true: its delay runs from when ainews first saw it.
const undated = { title: 'A small lab releases an open speech model', link: 'https://news.example.com/3', guid: 'g3', pubDate: new Date(Date.now() + 400 * 24 * HOUR_MS).toUTCString() };

let app: TestApp;
let feeds: FeedServer;
let ops: OpsServer;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  feeds = await new FeedServer().listen();
});

afterEach(async () => {
  await ops?.close();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await app?.dispose();
  await feeds.close();
});

async function start(env: Record<string, string> = {}) {
  app = await testApp({ ...FAST_DELIVERY, ...env });
  ops = await serveOps(app, [], { host: '127.0.0.1', port: 0 });
}

describe('GET /metrics', () => {
  it('counts polls by outcome, their duration, items stored, feeds and the outbox by status, deliveries and alert delay', async () => {
    await start();
    const before = await Scrape.of(ops.url);
    expect(before.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const outcome of ['ok', 'not_modified', 'failed']) expect(before.value('ainews_feed_polls_total', { outcome })).toBe(0);
    expect(before.value('ainews_feeds', { status: 'ok' })).toBe(0);
    // The process's own metrics come with them.
    expect(before.families.has('process_cpu_user_seconds_total')).toBe(true);
    expect(before.families.has('nodejs_eventloop_lag_seconds')).toBe(true);

    await app.watches.add('console:team', '*', 'u1');
    feeds.route('/feed', { body: rss([old], 'Example News'), etag: '"v1"' });
    await app.admin.add({ url: feeds.url('/feed'), name: 'Example News' });
    await app.scheduler.tick({ all: true });
    feeds.route('/feed', { body: rss([undated, late, old], 'Example News'), etag: '"v2"' });
    await app.scheduler.tick({ all: true });
    const queued = await Scrape.of(ops.url);
    expect(queued.value('ainews_outbox', { status: 'pending' })).toBe(2);
    expect(queued.value('ainews_outbox', { status: 'sent' })).toBe(0);

    // The feed has not changed (a 304), and a second one fails.
    feeds.route('/broken', { status: 500, body: 'down' });
    await app.admin.add({ url: feeds.url('/broken'), name: 'Broken' });
    await app.scheduler.tick({ all: true });
    const printed: string[] = [];
    expect(await app.deliveryWorker([new ConsoleSender((text) => printed.push(text))]).drain()).toBe(2);

    const after = await Scrape.of(ops.url);
    expect(after.value('ainews_feed_polls_total', { outcome: 'ok' })).toBe(2);
    expect(after.value('ainews_feed_polls_total', { outcome: 'not_modified' })).toBe(1);
    expect(after.value('ainews_feed_polls_total', { outcome: 'failed' })).toBe(1);
    expect(after.count('ainews_feed_poll_duration_seconds')).toBe(4);
    // The backlog item, then the two new ones.
    expect(after.value('ainews_items_stored_total')).toBe(3);
    expect(after.value('ainews_feeds', { status: 'ok' })).toBe(1);
    expect(after.value('ainews_feeds', { status: 'failing' })).toBe(1);
    expect(after.value('ainews_feeds', { status: 'disabled' })).toBe(0);
    expect(after.value('ainews_outbox', { status: 'sent' })).toBe(2);
    expect(after.value('ainews_outbox', { status: 'pending' })).toBe(0);
    expect(after.value('ainews_deliveries_total', { platform: 'console', outcome: 'sent' })).toBe(2);
    expect(after.count('ainews_alert_delay_seconds')).toBe(2);
    // The late item's delay runs from its publication (30 h); the one with an impossible date, from its first sighting.
    expect(after.bucket('ainews_alert_delay_seconds', '3600')).toBe(1);
    expect(after.bucket('ainews_alert_delay_seconds', '86400')).toBe(1);
    expect(after.bucket('ainews_alert_delay_seconds', '172800')).toBe(2);
    // No label names a feed, a URL or a channel.
    const labels = [...after.families.values()].filter((f) => f.name.startsWith('ainews_')).flatMap((f) => f.metrics.flatMap((m) => Object.values(m.labels ?? {})));
    expect(labels.filter((value) => /[:/]/.test(value))).toEqual([]);
    expect(printed).toHaveLength(2);
  });

  it('counts LLM calls by outcome and the tokens they used', async () => {
    const llm = await new FakeLlmServer().listen();
    cleanups.push(() => llm.close());
    llm.behaviour = { kind: 'reply', content: '{"summary": "A lab opened an office."}', tokens: 120 };
    await start({ LLM_BASE_URL: llm.baseUrl });
    const body = `<p>${'A long article about a new office and what it means for the region. '.repeat(10)}</p>`;
    feeds.route('/feed', { body: rss([]) });
    await app.admin.add({ url: feeds.url('/feed') });
    await app.scheduler.tick({ all: true });
    feeds.route('/feed', { body: rss([{ ...old, description: body }]) });
    await app.scheduler.tick({ all: true });
    await app.summaries.llm!.idle();
    llm.behaviour = { kind: 'status', status: 500 };
    feeds.route('/feed', { body: rss([{ ...late, description: body }, { ...old, description: body }]) });
    await app.scheduler.tick({ all: true });
    await app.summaries.llm!.idle();

    const scrape = await Scrape.of(ops.url);
    expect(scrape.value('ainews_llm_calls_total', { outcome: 'ok' })).toBe(1);
    expect(scrape.value('ainews_llm_calls_total', { outcome: 'failed' })).toBe(1);
    expect(scrape.value('ainews_llm_calls_total', { outcome: 'budget_spent' })).toBe(0);
    expect(scrape.value('ainews_llm_tokens_total')).toBe(120);
  });

  it('serves each app its own registry', async () => {
    await start();
    const other = await testApp();
    cleanups.push(() => other.dispose());
    const otherOps = await serveOps(other, [], { host: '127.0.0.1', port: 0 });
    cleanups.push(() => otherOps.close());
    feeds.route('/feed', { body: rss([old]) });
    await app.admin.add({ url: feeds.url('/feed') });
    await app.scheduler.tick({ all: true });
    expect((await Scrape.of(ops.url)).value('ainews_feed_polls_total', { outcome: 'ok' })).toBe(1);
    expect((await Scrape.of(otherOps.url)).value('ainews_feed_polls_total', { outcome: 'ok' })).toBe(0);
  });
});
