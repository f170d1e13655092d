import { afterEach, describe, expect, it } from 'vitest';
import type { AlertSender } from '../../src/delivery/port.ts';
import type { DeliveryWorker } from '../../src/delivery/worker.ts';
import { createLogger } from '../../src/log.ts';
import { createDiscord } from '../../src/platforms/discord/discord-app.ts';
import { createSlack } from '../../src/platforms/slack/slack-app.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { FakeDiscord } from '../helpers/fake-discord.ts';
import { FakeSlack } from '../helpers/fake-slack.ts';
import { FeedServer, rss } from '../helpers/feed-server.ts';
import { storeItems } from '../helpers/items.ts';
import { freePort, waitUntil } from '../helpers/wait.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const FAST_RETRIES = { DELIVERY_INTERVAL: '100ms', DELIVERY_BACKOFF_BASE: '100ms', DELIVERY_BACKOFF_MAX: '1s', DELIVERY_MAX_ATTEMPTS: '30', DELIVERY_SEND_TIMEOUT: '300ms' };

async function app(env: Record<string, string> = {}): Promise<TestApp> {
  const made = await testApp(env);
  cleanups.push(() => made.dispose());
  return made;
}

/** Queues `count` alerts for each channel, as polls matching `*` would; returns the outbox ids per channel. */
async function queue(target: TestApp, channels: string[], count: number): Promise<Record<string, number[]>> {
  const ids: Record<string, number[]> = {};
  for (const channel of channels) {
    const { watch } = await target.watches.add(channel, '*', 'u1');
    const items = (await storeItems(target, Array.from({ length: count }, (_, i) => ({ title: `${channel} story ${i + 1}` })), { process: false })).created;
    const queued: number[] = [];
    for (const item of items) {
      await target.outbox.enqueue({ itemId: item.id, channel, watchId: watch.id, watchQuery: '*' });
      queued.push((await target.outbox.find(item.id, channel))!.id);
    }
    ids[channel] = queued;
  }
  return ids;
}

function deliver(target: TestApp, sender: AlertSender): DeliveryWorker {
  const worker = target.deliveryWorker([sender]);
  worker.start();
  cleanups.push(() => worker.stop());
  return worker;
}

describe('chat platforms unreachable for a while', () => {
  it('Slack: connection refused, then 5xx and 429s; every alert arrives once, in order per channel', async () => {
    const port = await freePort();
    const target = await app({ SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_APP_TOKEN: 'xapp-test-token', SLACK_API_URL: `http://127.0.0.1:${port}/api/`, ...FAST_RETRIES });
    const expected = await queue(target, ['slack:T0TEST/C0ONE', 'slack:T0TEST/C0TWO'], 3);
    deliver(target, createSlack(target.config, target, createLogger('silent'))!.sender);
    // Nothing listens yet: every attempt is refused.
    await waitUntil(async () => (await target.outbox.list()).some((r) => r.attempts >= 2), 10_000, 'refused attempts');
    const slack = await new FakeSlack().listen(port);
    cleanups.push(() => slack.close());
    slack.fail('chat.postMessage', { status: 503 }, { status: 429, retryAfter: 1 }, { status: 500 });
    await waitUntil(async () => (await target.outbox.list()).every((r) => r.status === 'sent'), 30_000, 'every alert sent');
    const posted = slack.posts.map((p) => ({ channel: p.channel, id: p.metadata!.event_payload.delivery_id as number }));
    expect(posted).toHaveLength(6);
    for (const [channel, ids] of Object.entries(expected)) expect(posted.filter((p) => `slack:T0TEST/${p.channel}` === channel).map((p) => p.id)).toEqual(ids);
  }, 60_000);

  it('Discord: a storm of 5xx and 429s; every alert arrives once, in order per channel', async () => {
    const discord = await new FakeDiscord().listen();
    cleanups.push(() => discord.close());
    const target = await app({ DISCORD_TOKEN: discord.token, DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: discord.apiUrl, ...FAST_RETRIES });
    const expected = await queue(target, [`discord:${discord.channelId}`], 4);
    discord.fail('createMessage', { status: 500 }, { status: 429, retryAfter: 0.3 }, { status: 502 }, { status: 429, retryAfter: 0.3, global: true }, { status: 503 });
    deliver(target, createDiscord(target.config, target, createLogger('silent'), { installId: target.installId })!.sender);
    await waitUntil(async () => (await target.outbox.list()).every((r) => r.status === 'sent'), 30_000, 'every alert sent');
    const posted = discord.messagesIn(discord.channelId).map((m) => Number(String(m.nonce).split('-')[1]));
    expect(posted).toEqual(Object.values(expected)[0]);
  }, 60_000);
});

describe('feeds and the LLM down', () => {
  it('a slow host does not hold up a fast one in the same tick', async () => {
    const slow = await new FeedServer().listen('127.0.0.1');
    const fast = await new FeedServer().listen('127.0.0.2');
    cleanups.push(() => slow.close(), () => fast.close());
    slow.route('/feed', { body: rss([{ title: 'Slow', link: 'https://slow.example/1' }]), delayMs: 2000 });
    fast.route('/feed', { body: rss([{ title: 'Fast', link: 'https://fast.example/1' }]) });
    const target = await app();
    await target.admin.add({ url: slow.url('/feed'), name: 'Slow' });
    await target.admin.add({ url: fast.url('/feed'), name: 'Fast' });
    await target.scheduler.tick();
    expect(target.outcomes.map((o) => o.feed.name)).toEqual(['Fast', 'Slow']);
  });

  it('with the LLM endpoint refusing connections, items are stored with built-in summaries and polling goes on', async () => {
    const target = await app({ LLM_BASE_URL: `http://127.0.0.1:${await freePort()}/v1`, LLM_TIMEOUT: '2s' });
    const server = await new FeedServer().listen();
    cleanups.push(() => server.close());
    server.route('/feed', { body: rss([]) });
    const { feed } = await target.admin.add({ url: server.url('/feed') });
    await target.poller.poll((await target.feeds.find(feed.id))!);
    server.route('/feed', { body: rss([{ title: 'New model', link: 'https://x.example/1', description: `<p>${'A long article about a new model. '.repeat(20)}</p>` }]) });
    expect((await target.poller.poll((await target.feeds.find(feed.id))!)).result).toBe('updated');
    await target.summaries.llm!.idle();
    expect((await target.items.recent(1))[0]).toMatchObject({ summarizer: 'builtin', summary: expect.stringContaining('A long article') });
  });
});

describe('the database under pressure', () => {
  it('a full disk or a read-only database fails the poll clearly, half-writes nothing, and a restart recovers', async () => {
    const server = await new FeedServer().listen();
    cleanups.push(() => server.close());
    server.route('/feed', { body: rss([]) });
    let target = await testApp();
    const first = target;
    cleanups.push(() => first.db.open && first.dispose());
    const { feed } = await target.admin.add({ url: server.url('/feed') });
    await target.poller.poll((await target.feeds.find(feed.id))!);
    server.route('/feed', { body: rss(Array.from({ length: 200 }, (_, i) => ({ title: `Story ${i}`, link: `https://x.example/${i}`, description: `<p>${'Body text. '.repeat(200)}</p>` }))) });
    const pages = target.db.pragma('page_count', { simple: true }) as number;
    target.db.pragma(`max_page_count = ${pages + 2}`);
    const full = await target.poller.poll((await target.feeds.find(feed.id))!);
    expect(full).toMatchObject({ result: 'failed', error: expect.stringMatching(/full/) });
    expect(await target.items.recent(500)).toHaveLength(0);
    target.db.pragma('query_only = 1');
    const readOnly = await target.poller.poll((await target.feeds.find(feed.id))!);
    expect(readOnly).toMatchObject({ result: 'failed', error: expect.stringMatching(/readonly|read-only/) });
    // The storage failing is not the feed's fault: nothing is held against it.
    expect(await target.feeds.find(feed.id)).toMatchObject({ consecutive_failures: 0, status: 'ok' });
    // A restart: a new connection, without the faults.
    const dir = target.dir;
    await target.close();
    target = await testApp({ AINEWS_DB: `${dir}/ainews.db` });
    const second = target;
    cleanups.push(() => second.dispose());
    expect(target.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((await target.poller.poll((await target.feeds.find(feed.id))!)).result).toBe('updated');
    expect(await target.items.recent(500)).toHaveLength(200);
  });
});
