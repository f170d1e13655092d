import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../../src/delivery/worker.ts';
import { createLogger } from '../../../src/log.ts';
import { createSlack, type SlackPlatform } from '../../../src/platforms/slack/slack-app.ts';
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

async function startSlack(env: Record<string, string> = {}) {
  app = testApp({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_API_URL: slack.apiUrl,
    ...FAST_DELIVERY,
    ...env,
  });
  platform = createSlack(app.config, app, createLogger('silent'), { retryBaseMs: 100 })!;
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
  await worker?.stop();
  worker = undefined;
  await platform?.stop().catch(() => undefined);
  app?.dispose();
  await slack.close();
  await feeds.close();
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
    expect(app.outbox.list()[0]!.platform_message_id).toBe(reply!.ts);
  });
});

describe('Slack alerts', () => {
  it('posts a matching new item to the watching channel as Block Kit, escaped, without unfurling', async () => {
    await startSlack();
    app.watches.add(CHANNEL, 'gpt-5', 'u1');
    await publish('OpenAI ships GPT-5 &amp; more', '<p>The new model is out.</p>');
    worker!.nudge();
    await waitUntil(() => slack.posts.length === 1, 5000, 'the alert');
    const [post] = slack.posts;
    expect(post).toMatchObject({ channel: 'C0NEWS', unfurl_links: 'false', unfurl_media: 'false' });
    expect(post!.metadata).toEqual({ event_type: 'ainews_alert', event_payload: { delivery_id: app.outbox.list()[0]!.id, item_id: app.outbox.list()[0]!.item_id } });
    expect(post!.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*<https://news.example.com/1|OpenAI ships GPT-5 &amp; more>*' } });
    expect(JSON.stringify(post!.blocks)).toContain('The new model is out.');
    expect(JSON.stringify(post!.blocks)).toContain('Watch “gpt-5”');
    expect(post!.text).toBe('OpenAI ships GPT-5 &amp; more (Example News)');
    await waitUntil(() => app.outbox.list()[0]!.status === 'sent');
    expect(app.outbox.list()[0]).toMatchObject({ platform_message_id: post!.ts, attempts: 1 });
  });

  it('neutralises hostile feed text: it can mention no one and disguise no link', async () => {
    await startSlack();
    app.watches.add(CHANNEL, 'gpus', 'u1');
    await publish(
      'Free GPUs &lt;!channel&gt; &lt;@U0ADMIN&gt; &lt;https://evil.example|https://openai.com&gt;',
      '<p>Claim free GPUs &lt;!here&gt; at &lt;https://evil.example/login|openai.com/login&gt; today, &lt;!subteam^S0ADMINS&gt;.</p>',
    );
    worker!.nudge();
    await waitUntil(() => slack.posts.length === 1);
    const posted = [slack.posts[0]!.text, ...JSON.stringify(slack.posts[0]!.blocks).match(/"text":"(?:[^"\\]|\\.)*"/g)!].join('\n');
    expect(posted).toContain('&lt;!channel&gt; &lt;@U0ADMIN&gt; &lt;https://evil.example|https://openai.com&gt;');
    expect(posted).toContain('&lt;!here&gt;');
    // Only our own link and date tokens open with <.
    expect(posted.match(/<[^!]|<!(?!date\^)/g)).toEqual(['<h']);
    expect(posted).toContain('<https://news.example.com/1|');
  });

  it('unfurls when SLACK_UNFURL says so', async () => {
    await startSlack({ SLACK_UNFURL: 'true' });
    app.watches.add(CHANNEL, '*', 'u1');
    await publish('Anything');
    worker!.nudge();
    await waitUntil(() => slack.posts.length === 1);
    expect(slack.posts[0]).toMatchObject({ unfurl_links: 'true', unfurl_media: 'true' });
  });

  it('retries a 500, honours a 429 Retry-After, and ends with exactly one message', async () => {
    await startSlack();
    app.watches.add(CHANNEL, '*', 'u1');
    slack.fail('chat.postMessage', { status: 500 }, { status: 429, retryAfter: 1 });
    await publish('One story');
    worker!.nudge();
    await waitUntil(() => slack.posts.length === 1, 10_000, 'the message after the retries');
    const attempts = slack.callsOf('chat.postMessage');
    expect(attempts).toHaveLength(3);
    // The 500's outcome was unknown: the channel was searched before posting again.
    expect(slack.callsOf('conversations.history')).toHaveLength(1);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(1000);
    await waitUntil(() => app.outbox.list()[0]!.status === 'sent');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slack.posts).toHaveLength(1);
  });

  it('records not_in_channel as permanent, marks the channel inactive, and does not retry', async () => {
    await startSlack();
    app.watches.add('slack:T0TEST/C0GONE', '*', 'u1');
    slack.notMember.add('C0GONE');
    // Both alerts are queued before either is tried: the second fails with the channel, unsent.
    expect((await publish(['First', 'Second'])).alerts).toBe(2);
    worker!.nudge();
    await waitUntil(() => app.outbox.list().every((r) => r.status === 'failed'), 5000, 'both alerts failed');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(slack.callsOf('chat.postMessage')).toHaveLength(1);
    expect(app.outbox.list()[0]!.last_error).toMatch(/^not_in_channel: the bot is not in this channel; invite it/);
    expect(app.watches.channel('slack:T0TEST/C0GONE')).toMatchObject({ active: 0, inactive_reason: expect.stringMatching(/^not_in_channel/) });
    expect((await publish('Third')).alerts).toBe(0);
  });
});

describe('/ainews on Slack', () => {
  it('answers a search over Socket Mode privately, with the stored item, and pages with More', async () => {
    await startSlack();
    for (let i = 1; i <= 7; i++) await publish(`GPT-5 story ${i}`);
    const answer = await slash('gpt-5');
    expect(answer.response_type).toBe('ephemeral');
    const blocks = JSON.stringify(answer.blocks);
    expect(blocks).toContain('GPT-5 story 7');
    expect(blocks).toContain('Example News');
    const more = (answer.blocks.at(-1) as { elements: { action_id: string; value: string }[] }).elements[0]!;
    expect(more).toMatchObject({ action_id: 'ainews_more', value: 'gpt-5 page:2' });

    const before = slack.responses.length;
    await slack.envelope('interactive', slack.buttonPayload(more.action_id, more.value));
    await waitUntil(() => slack.responses.length > before);
    const page2 = slack.responses[before]!.body as { replace_original: boolean; blocks: unknown[] };
    expect(page2.replace_original).toBe(true);
    expect(JSON.stringify(page2.blocks)).toContain('GPT-5 story 2');
    expect(JSON.stringify(page2.blocks)).not.toContain('GPT-5 story 7');
  });

  it('persists /ainews watch 推理模型 for the channel, announces it, and posts the next matching item', async () => {
    await startSlack();
    const answer = await slash('watch 推理模型');
    expect(answer.response_type).toBe('in_channel');
    expect(answer.text).toContain('Watching "推理模型" here');
    expect(app.watches.list(CHANNEL)).toEqual([expect.objectContaining({ query: '推理模型', created_by: '@alice' })]);
    await publish('某公司发布全新推理模型，性能大幅提升');
    await publish('与此无关的新闻');
    worker!.nudge();
    await waitUntil(() => slack.posts.length === 1, 5000, 'the Chinese alert');
    expect(slack.posts[0]!.text).toContain('某公司发布全新推理模型');
  });

  it('explains how to invite the bot when watching in a channel it is not in', async () => {
    await startSlack();
    slack.notMember.add('C0PRIVATE');
    const answer = await slash('watch gpt-5', { channel: 'C0PRIVATE' });
    expect(answer.text).toContain('I am not in this channel');
    expect(answer.text).toContain('/invite @ainews');
  });

  it('lets workspace admins and AINEWS_ADMINS add feeds, and no one else', async () => {
    await startSlack({ AINEWS_ADMINS: 'slack:U0CAROL' });
    slack.workspaceAdmins.add('U0BOB');
    const refused = await slash('feeds add https://example.com/a.xml', { user: 'U0ALICE' });
    expect(refused.text).toMatch(/only admins can add feeds: workspace admins and owners, and the users in AINEWS_ADMINS/);
    expect((await slash('feeds add https://example.com/b.xml', { user: 'U0BOB' })).text).toContain('Added feed');
    expect((await slash('feeds add https://example.com/c.xml', { user: 'U0CAROL' })).text).toContain('Added feed');
    expect(app.feeds.list().map((f) => f.url)).toEqual(expect.arrayContaining(['https://example.com/b.xml', 'https://example.com/c.xml']));
    expect(app.feeds.list().map((f) => f.url)).not.toContain('https://example.com/a.xml');
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

  it('slows down a user who sends too many commands, privately, and not the others', async () => {
    await startSlack({ COMMANDS_PER_MINUTE: '2' });
    await slash('help');
    await slash('help');
    const refused = await slash('help');
    expect(refused.response_type).toBe('ephemeral');
    expect(refused.text).toMatch(/^Error: easy there: at most 2 commands a minute each\. Try again in \d+ s\.$/);
    expect((await slash('help', { user: 'U0BOB' })).text).toContain('/ainews watch');
  });

  it('leaves the results in place when More is pressed over the limit', async () => {
    await startSlack({ COMMANDS_PER_MINUTE: '1' });
    for (let i = 1; i <= 7; i++) await publish(`GPT-5 story ${i}`);
    await slash('gpt-5');
    const before = slack.responses.length;
    await slack.envelope('interactive', slack.buttonPayload('ainews_more', 'gpt-5 page:2'));
    await waitUntil(() => slack.responses.length > before);
    expect(slack.responses[before]!.body).toMatchObject({ replace_original: false, response_type: 'ephemeral', text: expect.stringContaining('easy there') });
  });

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
    app = testApp({ SLACK_BOT_TOKEN: 'xoxb-wrong', SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl });
    platform = createSlack(app.config, app, createLogger('silent'), { retryBaseMs: 100 })!;
    expect(await platform.start()).toBe(false);
    expect(slack.callsOf('auth.test')).toHaveLength(1);
    expect(slack.connected).toBe(false);
  });

  it('stops while still trying to connect, without waiting out the retry', async () => {
    app = testApp({ SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: 'http://127.0.0.1:9/api/' });
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

  it('rejects a bad signature or a stale timestamp with a 401 and runs nothing', async () => {
    const url = await startHttp();
    expect(await slack.sendSigned(url, 'shh-secret', slack.slashPayload('watch gpt-5'), { tamper: true })).toBe(401);
    expect(await slack.sendSigned(url, 'wrong-secret', slack.slashPayload('watch gpt-5'))).toBe(401);
    expect(await slack.sendSigned(url, 'shh-secret', slack.slashPayload('watch gpt-5'), { timestamp: Math.floor(Date.now() / 1000) - 600 })).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(slack.responses).toEqual([]);
    expect(app.watches.list()).toEqual([]);
  });
});
