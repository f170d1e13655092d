import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../../src/delivery/worker.ts';
import { createLogger } from '../../../src/log.ts';
import { createSlack, type SlackPlatform } from '../../../src/platforms/slack/slack-app.ts';
import { WebSubSubscriptions } from '../../../src/db/websub-subscriptions.ts';
import { websubCallback } from '../../../src/websub/callback-route.ts';
import { testApp, type TestApp } from '../../helpers/app.ts';
import { FakeSlack } from '../../helpers/fake-slack.ts';
import { FeedServer } from '../../helpers/feed-server.ts';
import { alertedStory, FAST_DELIVERY, NewsFeed } from '../../helpers/news-feed.ts';
import { freePort, waitUntil } from '../../helpers/wait.ts';

let slack: FakeSlack;
let feeds: FeedServer;
let app: TestApp;
let platform: SlackPlatform;
let worker: DeliveryWorker | undefined;

const CHANNEL = 'slack:T0TEST/C0NEWS';
let news: NewsFeed;

const publish = (title: string | string[], description = '') => news.publish(app, title, description);

async function startSlack(env: Record<string, string> = {}, options: { websub?: boolean } = {}) {
  app = await testApp({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_API_URL: slack.apiUrl,
    ...FAST_DELIVERY,
    ...env,
  });
  const publicRoutes = options.websub ? { path: '/websub/:token', handler: websubCallback(app.websub!, { maxBytes: 65_536, log: createLogger('silent') }) } : undefined;
  platform = createSlack(app.config, app, createLogger('silent'), { retryBaseMs: 100, ...(publicRoutes ? { publicRoutes } : {}) })!;
  expect(await platform.start()).toBe(true);
  worker = app.deliveryWorker([platform.sender]);
  worker.start();
  // The feed's first poll is backlog: stored, never alerted.
  await news.subscribe(app);
}

/** Runs /ainews over Socket Mode and returns what was posted to its response_url. */
async function slash(text: string, options: { channel?: string; user?: string } = {}) {
  const before = slack.responses.length;
  await slack.envelope('slash_commands', slack.slashPayload(text, options));
  // Acked first, answered after: the ack never waits for the work.
  expect(slack.responses.length).toBe(before);
  await waitUntil(() => slack.responses.length > before, 5000, `an answer to /ainews ${text}`);
  return slack.responses[before]!.body as { response_type: string; text: string; blocks: unknown[]; replace_original?: boolean };
}

beforeEach(async () => {
  slack = await new FakeSlack().listen();
  feeds = await new FeedServer().listen();
  news = new NewsFeed(feeds);
});

afterEach(async () => {
  const refused = [...slack.refused];
  await worker?.stop();
  worker = undefined;
  await platform?.stop().catch(() => undefined);
  await app?.dispose();
  await slack.close();
  await feeds.close();
  // Whatever the bot sent, Slack would have taken.
  expect(refused).toEqual([]);
});

describe('Slack story updates', () => {
  it("replies in the alert's thread with a story's later sources, and finds a lost reply rather than repeating it", async () => {
    await startSlack({ STORY_UPDATE_DELAY: '0s', STORY_UPDATE_INTERVAL: '0s' });
    const retell = await alertedStory(app, feeds, news, worker!, CHANNEL);
    // Slack posts the reply but its answer never comes: the retry looks in the thread and finds it.
    slack.fail('chat.postMessage', { hang: true });
    await retell();
    expect(slack.posts).toHaveLength(2);
    const [alert, reply] = slack.posts;
    expect(reply).toMatchObject({ channel: 'C0NEWS', thread_ts: alert!.ts, text: 'Also covered by The Verge', unfurl_links: 'false' });
    expect(JSON.stringify(reply!.blocks)).toContain('<https://news.example.com/verge/1|OpenAI ships GPT-5 to all ChatGPT users today>');
    expect(slack.callsOf('conversations.replies').at(-1)?.body).toMatchObject({ channel: 'C0NEWS', ts: alert!.ts });
    expect((await app.outbox.list())[0]!.platform_message_id).toBe(reply!.ts);
  });
});

// Escaping, retries after an unknown outcome or a 429, a channel that is gone, search and More, the admin
// gate and the rate limit are checked for every platform in test/platforms/contract.
describe('Slack alerts', () => {
  it('posts a matching new item to the watching channel as Block Kit, escaped, without unfurling', async () => {
    await startSlack();
    await app.watches.add(CHANNEL, 'gpt-5', 'u1');
    await publish('OpenAI ships GPT-5 &amp; more', '<p>The new model is out.</p>');
    worker!.nudge();
    await waitUntil(() => slack.posts.length === 1, 5000, 'the alert');
    const [post] = slack.posts;
    expect(post).toMatchObject({ channel: 'C0NEWS', unfurl_links: 'false', unfurl_media: 'false' });
    const [row] = await app.outbox.list();
    expect(post!.metadata).toEqual({ event_type: 'ainews_alert', event_payload: { delivery_id: row!.id, item_id: row!.item_id } });
    expect(post!.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*<https://news.example.com/1|OpenAI ships GPT-5 &amp; more>*' } });
    expect(JSON.stringify(post!.blocks)).toContain('The new model is out.');
    expect(JSON.stringify(post!.blocks)).toContain('Watch “gpt-5”');
    expect(post!.text).toBe('OpenAI ships GPT-5 &amp; more (Example News)');
    await waitUntil(async () => (await app.outbox.list())[0]!.status === 'sent');
    expect((await app.outbox.list())[0]).toMatchObject({ platform_message_id: post!.ts, attempts: 1 });
  });

  it('unfurls when SLACK_UNFURL says so', async () => {
    await startSlack({ SLACK_UNFURL: 'true' });
    await app.watches.add(CHANNEL, '*', 'u1');
    await publish('Anything');
    worker!.nudge();
    await waitUntil(() => slack.posts.length === 1);
    expect(slack.posts[0]).toMatchObject({ unfurl_links: 'true', unfurl_media: 'true' });
  });

});

describe('/ainews on Slack', () => {
  it('persists /ainews watch 推理模型 for the channel, announces it, and posts the next matching item', async () => {
    await startSlack();
    const answer = await slash('watch 推理模型');
    expect(answer.response_type).toBe('in_channel');
    expect(answer.text).toContain('Watching "推理模型" here');
    expect(await app.watches.list(CHANNEL)).toEqual([expect.objectContaining({ query: '推理模型', created_by: '@alice' })]);
    await publish('某公司发布全新推理模型，性能大幅提升');
    await publish('与此无关的新闻');
    worker!.nudge();
    await waitUntil(() => slack.posts.length === 1, 5000, 'the Chinese alert');
    expect(slack.posts[0]!.text).toContain('某公司发布全新推理模型');
  });

  it('reads the command text as typed, though Slack sends &, < and > escaped', async () => {
    await startSlack();
    // What Slack sends for: watch AT&T | watch /gpt(?P<v>-?5)/i
    expect((await slash('watch AT&amp;T')).text).toContain('Watching "AT&amp;T" here');
    await slash('watch /gpt(?P&lt;v&gt;-?5)/i');
    expect((await app.watches.list(CHANNEL)).map((w) => w.query)).toEqual(['AT&T', '/gpt(?P<v>-?5)/i']);
  });

  it('explains how to invite the bot when watching in a channel it is not in', async () => {
    await startSlack();
    slack.notMember.add('C0PRIVATE');
    const answer = await slash('watch gpt-5', { channel: 'C0PRIVATE' });
    expect(answer.text).toContain('I am not in this channel');
    expect(answer.text).toContain('/invite @ainews');
  });

  // Adding feeds as an AINEWS_ADMINS user, and the refusal to others, are in the contract suite.
  it('lets workspace admins add feeds, as Slack tells them apart (users.info)', async () => {
    await startSlack();
    slack.workspaceAdmins.add('U0BOB');
    const refused = await slash('feeds add https://feeds.example.invalid/a.xml', { user: 'U0ALICE' });
    expect(refused.text).toMatch(/only admins can add feeds: workspace admins and owners, and the users in AINEWS_ADMINS/);
    expect((await slash('feeds add https://feeds.example.invalid/b.xml', { user: 'U0BOB' })).text).toContain('Added feed');
    expect((await app.feeds.list()).map((f) => f.url)).toContain('https://feeds.example.invalid/b.xml');
    expect(slack.callsOf('users.info').at(-1)?.body).toMatchObject({ user: 'U0BOB' });
  });

  it('reconnects when Slack asks it to, or when the connection drops, and keeps answering', async () => {
    await startSlack();
    const opened = () => slack.callsOf('apps.connections.open').length;
    expect(opened()).toBe(1);
    slack.requestReconnect();
    await waitUntil(() => opened() === 2 && slack.connected, 10_000, 'a reconnection after "disconnect"');
    // Slack is briefly unreachable when the connection drops: reconnecting keeps trying.
    slack.fail('apps.connections.open', { status: 503 }, { status: 503 }, { error: 'internal_error' });
    slack.dropConnection();
    await waitUntil(() => opened() === 6 && slack.connected, 10_000, 'a reconnection after a dropped connection and three failures');
    expect((await slash('help')).text).toContain('/ainews watch');
  }, 30_000);

  it('answers a bad command with its usage, privately', async () => {
    await startSlack();
    const answer = await slash('watch');
    expect(answer.response_type).toBe('ephemeral');
    expect(JSON.stringify(answer.blocks)).toContain('Usage: `/ainews watch');
  });
});

describe('Slack start-up', () => {
  it('keeps trying while Slack is unreachable, and connects once it answers', async () => {
    slack.fail('auth.test', { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    await startSlack();
    expect(slack.callsOf('auth.test').length).toBeGreaterThanOrEqual(5);
    expect(slack.connected).toBe(true);
  });

  it('gives up once, without crashing, when Slack rejects the token, while alerts keep their place in the outbox', async () => {
    app = await testApp({ SLACK_BOT_TOKEN: 'xoxb-wrong', SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl });
    platform = createSlack(app.config, app, createLogger('silent'), { retryBaseMs: 100 })!;
    expect(await platform.start()).toBe(false);
    expect(slack.callsOf('auth.test')).toHaveLength(1);
    expect(slack.connected).toBe(false);
  });

  it('stops while still trying to connect, without waiting out the retry', async () => {
    app = await testApp({ SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: 'http://127.0.0.1:9/api/' });
    platform = createSlack(app.config, app, createLogger('silent'), { retryBaseMs: 60_000 })!;
    const started = platform.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await platform.stop();
    expect(await started).toBe(false);
  });
});

describe('Slack over HTTP', () => {
  async function startHttp() {
    const port = await freePort();
    await startSlack({ SLACK_APP_TOKEN: '', SLACK_SIGNING_SECRET: 'shh-secret', PORT: String(port), HOST: '127.0.0.1' });
    return `http://127.0.0.1:${port}/slack/events`;
  }

  it('answers a signed /ainews gpt-5 with the stored item', async () => {
    const url = await startHttp();
    await publish('OpenAI ships GPT-5');
    expect(await slack.sendSigned(url, 'shh-secret', slack.slashPayload('gpt-5'))).toBe(200);
    await waitUntil(() => slack.responses.length === 1);
    expect(JSON.stringify(slack.responses[0]!.body)).toContain('OpenAI ships GPT-5');
  });

  it('serves the WebSub callbacks on its port, beside Slack’s requests', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    await startSlack({ SLACK_APP_TOKEN: '', SLACK_SIGNING_SECRET: 'shh-secret', PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: base }, { websub: true });
    const topic = 'https://blog.example/feed.xml';
    const { feed } = await app.feeds.add({ url: topic, intervalSeconds: 900 });
    const token = 'a'.repeat(32);
    await new WebSubSubscriptions(app.sql).requested(feed.id, { hub: 'https://hub.example/', topic, token, secret: 's'.repeat(32) }, new Date());
    const check = await fetch(`${base}/websub/${token}?hub.mode=subscribe&hub.topic=${encodeURIComponent(topic)}&hub.challenge=c-123&hub.lease_seconds=3600`);
    expect(check.status).toBe(200);
    expect(await check.text()).toBe('c-123');
    expect(await app.websub!.pushState(feed.id)).toMatchObject({ pushing: true });
    const unknown = await fetch(`${base}/websub/${'b'.repeat(32)}?hub.mode=subscribe&hub.topic=x&hub.challenge=c`);
    expect(unknown.status).toBe(404);
  });

  it('rejects a bad signature or a stale timestamp with a 401 and runs nothing', async () => {
    const url = await startHttp();
    expect(await slack.sendSigned(url, 'shh-secret', slack.slashPayload('watch gpt-5'), { tamper: true })).toBe(401);
    expect(await slack.sendSigned(url, 'wrong-secret', slack.slashPayload('watch gpt-5'))).toBe(401);
    expect(await slack.sendSigned(url, 'shh-secret', slack.slashPayload('watch gpt-5'), { timestamp: Math.floor(Date.now() / 1000) - 600 })).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(slack.responses).toEqual([]);
    expect(await app.watches.list()).toEqual([]);
  });
});
