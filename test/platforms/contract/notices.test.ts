import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.ts';
import { waitUntil } from '../../helpers/wait.ts';
import { harnessPerTest, type BaseHarness, type PlatformHarness } from './harness.ts';
import { PLATFORMS } from './platforms.ts';

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A feed named by someone hostile: every platform's mentions, markup and masked links.
const HOSTILE_NAME = 'Evil <!channel> @everyone <@&123456789012345678> **FREE** <https://evil.example|https://openai.com> [openai.com](https://evil.example/x)';

/**
 * The watched channel is also the operator's: a feed named HOSTILE_NAME, subscribed on the harness's
 * server, is made to fail (404) past the grace period, and its notice queued. Returns the feed's id.
 */
async function failedFeed(h: PlatformHarness, app: TestApp): Promise<number> {
  const server = (h as PlatformHarness & BaseHarness).server;
  await h.feed(HOSTILE_NAME, '/evil');
  const feed = (await app.feeds.find(server.url('/evil')))!;
  server.route('/evil', { status: 404 });
  await app.poller.poll((await app.feeds.find(feed.id))!);
  app.db.prepare('UPDATE feed_health SET outage_started_at = ? WHERE feed_id = ?').run(new Date(Date.now() - 3 * 3_600_000).toISOString(), feed.id);
  await app.poller.poll((await app.feeds.find(feed.id))!);
  await app.poller.poll((await app.feeds.find(feed.id))!);
  return feed.id;
}

const noticeRows = async (app: TestApp) => (await app.outbox.list()).filter((row) => row.kind === 'notice');

describe.each(PLATFORMS)('feed health notices on $name', ({ harness, failures }) => {
  let h: PlatformHarness;
  let app: TestApp;

  harnessPerTest(harness, (made) => (h = made));

  it('posts a failing feed’s notice once, its name shown as typed: it pings no one and links nowhere', async () => {
    app = await h.start({ AINEWS_OPS_CHANNEL: h.channel });
    const id = await failedFeed(h, app);
    h.deliver();
    await waitUntil(() => h.posts().length === 1, 5000, 'the notice');
    await settle(300);
    expect(h.posts()).toHaveLength(1);
    const [post] = h.posts();
    expect(post!.text).toContain(`Feed #${id} "${HOSTILE_NAME}"`);
    expect(post!.text).toContain(`the feed is gone (HTTP 404 Not Found): the site no longer serves it at this URL; find its new address and add that, or remove it with "feeds remove ${id}"`);
    expect(post!.mentions).toEqual([]);
    expect(post!.links).toEqual([]);
    expect(await noticeRows(app)).toMatchObject([{ status: 'sent', platform_message_id: post!.id, attempts: 1 }]);
  });

  it.skipIf(!failures.includes('no-answer'))('after a lost answer, finds the notice it posted instead of posting it again', async () => {
    app = await h.start({ AINEWS_OPS_CHANNEL: h.channel });
    h.failNextPost('no-answer');
    await failedFeed(h, app);
    h.deliver();
    await waitUntil(async () => (await noticeRows(app))[0]?.status === 'sent', 10_000, 'the notice recorded sent');
    await settle(300);
    expect(h.postAttempts()).toHaveLength(1);
    expect(h.lookups().length).toBeGreaterThanOrEqual(1);
    expect(h.posts()).toHaveLength(1);
    expect((await noticeRows(app))[0]).toMatchObject({ platform_message_id: h.posts()[0]!.id });
  });

  it('posts the recovery notice once the feed is back', async () => {
    app = await h.start({ AINEWS_OPS_CHANNEL: h.channel });
    const id = await failedFeed(h, app);
    const server = (h as PlatformHarness & BaseHarness).server;
    server.route('/evil', { body: '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>' });
    await app.poller.poll((await app.feeds.find(id))!);
    h.deliver();
    await waitUntil(() => h.posts().length === 2, 5000, 'both notices');
    expect(h.posts()[1]!.text).toContain(`Feed #${id} "${HOSTILE_NAME}" is back after 3h.`);
    expect(h.posts()[1]!.mentions).toEqual([]);
  });
});
