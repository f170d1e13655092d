import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryJson } from '../../src/cli/deliveries-command.ts';
import type { FeedHealthRow } from '../../src/db/feed-health.ts';
import type { DeliveryWorker } from '../../src/delivery/worker.ts';
import { ConsoleSender } from '../../src/platforms/console/console-sender.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { FeedServer, rss } from '../helpers/feed-server.ts';

const HOUR = 3_600_000;
const FEED = rss([{ title: 'GPT-5 ships', link: 'https://news.example.com/1' }], 'Example News');
const CHALLENGE = '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1"></script></body></html>';
const CLOUDFLARE_403 = {
  status: 403,
  headers: { 'content-type': 'text/html; charset=UTF-8', server: 'cloudflare', 'cf-mitigated': 'challenge', 'cf-ray': '8a1b2c3d4e5f6a7b-FRA' },
  body: CHALLENGE,
};

let app: TestApp;
let server: FeedServer;
let worker: DeliveryWorker;
let printed: string[];

async function start(env: Record<string, string> = {}): Promise<number> {
  app = await testApp({ AINEWS_OPS_CHANNEL: 'console:ops', ...env });
  printed = [];
  worker = app.deliveryWorker([new ConsoleSender((text) => printed.push(text))]);
  server.route('/feed', { body: FEED });
  const { feed } = await app.admin.add({ url: server.url('/feed'), name: 'Example News' });
  await poll(feed.id);
  return feed.id;
}

async function poll(id: number) {
  return app.poller.poll((await app.feeds.find(id))!);
}

/** The outage under way began `hours` ago, as if the feed had been failing since. */
function failingFor(id: number, hours: number): void {
  app.db.prepare('UPDATE feed_health SET outage_started_at = ? WHERE feed_id = ?').run(new Date(Date.now() - hours * HOUR).toISOString(), id);
}

const notices = async () => (await app.outbox.list()).reverse().filter((row) => row.kind === 'notice');
const health = (id: number) => app.db.prepare('SELECT * FROM feed_health WHERE feed_id = ?').get(id) as FeedHealthRow | undefined;

beforeEach(async () => {
  server = await new FeedServer().listen();
});
afterEach(async () => {
  await worker.stop();
  await app.dispose();
  await server.close();
});

describe('feed health', () => {
  it('tells the ops channel once when a feed has failed past the grace period, naming a Cloudflare challenge, and again when it is back', async () => {
    const id = await start();
    server.route('/feed', CLOUDFLARE_403);
    expect(await poll(id)).toMatchObject({ result: 'failed' });
    expect(health(id)).toMatchObject({ recovered_at: null, noticed_at: null });
    expect(await notices()).toEqual([]);

    // Within the grace period nothing is said; past it, the next failed poll says it once.
    failingFor(id, 1);
    await poll(id);
    expect(await notices()).toEqual([]);
    failingFor(id, 3);
    await poll(id);
    await poll(id);
    expect((await notices()).map((n) => [n.channel, n.status])).toEqual([['console:ops', 'pending']]);

    expect(await worker.drain()).toBe(1);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toBe(
      [
        '┌ console:ops · ainews notice',
        `│ Feed #${id} "Example News" (${server.url('/feed')}) has not worked for 3h (its last 3 polls failed): the site shows a bot challenge (Cloudflare): ` +
          `ainews cannot pass it; ask the site for a feed URL that is not behind it, or remove the feed ("feeds remove ${id}").`,
        '└',
      ].join('\n'),
    );
    expect(deliveryJson((await app.outbox.list())[0]!)).toMatchObject({ kind: 'notice', item_id: null, story_id: null, title: null, status: 'sent', notice: expect.stringContaining('bot challenge (Cloudflare)') });

    // Back: one recovery notice, naming how long it was out, to the channels that were told.
    app.db.prepare('UPDATE feed_health SET outage_started_at = ? WHERE feed_id = ?').run(new Date(Date.now() - (5 * HOUR + 12 * 60_000 + 30_000)).toISOString(), id);
    server.route('/feed', { body: FEED });
    expect(await poll(id)).toMatchObject({ result: 'updated' });
    await poll(id);
    expect((await notices()).map((n) => n.channel)).toEqual(['console:ops', 'console:ops']);
    expect(await worker.drain()).toBe(1);
    expect(printed[1]).toBe(`┌ console:ops · ainews notice\n│ Feed #${id} "Example News" is back after 5h 12m.\n└`);
    expect(health(id)).toMatchObject({ recovered_at: expect.any(String), recovery_noticed_at: expect.any(String) });
  });

  it('says nothing when a feed is back before anyone was told it failed', async () => {
    const id = await start();
    server.route('/feed', { status: 500 });
    await poll(id);
    server.route('/feed', { body: FEED });
    await poll(id);
    expect(await notices()).toEqual([]);
    expect(health(id)).toMatchObject({ noticed_at: null, recovery_noticed_at: null, recovered_at: expect.any(String) });

    // A new outage is an outage of its own: noticed once more.
    server.route('/feed', { status: 404 });
    await poll(id);
    failingFor(id, 3);
    await poll(id);
    expect(await notices()).toHaveLength(1);
    expect(JSON.parse((await notices())[0]!.payload!).text).toContain('the feed is gone (HTTP 404 Not Found)');
  });

  it('also tells the channel of a watch limited to the feed (source:), once, and not the others', async () => {
    const id = await start();
    await app.watches.add('console:team', 'gpt-5 source:example', 'u1');
    await app.watches.add('console:team', 'openai source:example', 'u1');
    await app.watches.add('console:other', 'gpt-5', 'u1');
    await app.watches.add('console:elsewhere', 'gpt-5 source:ithome', 'u1');
    server.route('/feed', { status: 410 });
    await poll(id);
    failingFor(id, 3);
    await poll(id);
    await poll(id);
    expect((await notices()).map((n) => n.channel)).toEqual(['console:ops', 'console:team']);
    await worker.drain();
    expect(printed.filter((text) => text.startsWith('┌ console:team · ainews notice'))).toHaveLength(1);

    server.route('/feed', { body: FEED });
    await poll(id);
    expect((await notices()).map((n) => n.channel)).toEqual(['console:ops', 'console:team', 'console:ops', 'console:team']);
  });

  it('without AINEWS_OPS_CHANNEL, tells only the channels of the watches limited to the feed', async () => {
    const id = await start({ AINEWS_OPS_CHANNEL: '' });
    server.route('/feed', { status: 404 });
    await poll(id);
    failingFor(id, 3);
    await poll(id);
    expect(await notices()).toEqual([]);
    expect(health(id)).toMatchObject({ noticed_at: expect.any(String), noticed_channels: '[]' });
  });

  it('tells at once of a feed disabled for failing, within the grace period', async () => {
    const id = await start({ FEED_MAX_FAILURES: '2' });
    server.route('/feed', { status: 429, headers: { 'retry-after': '120' } });
    await poll(id);
    expect(await notices()).toEqual([]);
    expect(await poll(id)).toMatchObject({ disabled: true });
    expect(await notices()).toHaveLength(1);
    expect(JSON.parse((await notices())[0]!.payload!).text).toBe(
      `Feed #${id} "Example News" (${server.url('/feed')}) has not worked for 0s (its last 2 polls failed): the site is rate-limiting ainews (HTTP 429 Too Many Requests). ` +
        `It is disabled after 2 failures in a row: "feeds enable ${id}" puts it back once that is fixed.`,
    );
  });

  it('names the next poll of a rate-limited feed', async () => {
    const id = await start({ FEED_HEALTH_GRACE: '0s' });
    server.route('/feed', { status: 429, headers: { 'retry-after': '7200' } });
    await poll(id);
    const next = (await app.feeds.find(id))!.next_poll_at;
    expect(JSON.parse((await notices())[0]!.payload!).text).toContain(`(HTTP 429 Too Many Requests); the next poll is at ${next.slice(0, 16).replace('T', ' ')}Z (in 2h)`);
  });

  it('sends a notice in order with the channel’s other messages', async () => {
    const id = await start({ FEED_HEALTH_GRACE: '0s', AINEWS_OPS_CHANNEL: 'console:team' });
    await app.watches.add('console:team', 'gpt-5', 'u1');
    server.route('/feed', { body: rss([{ title: 'GPT-5 ships', link: 'https://news.example.com/1' }, { title: 'GPT-5 mini', link: 'https://news.example.com/2' }], 'Example News') });
    await poll(id);
    server.route('/feed', { status: 404 });
    await poll(id);
    expect((await app.outbox.list()).reverse().map((r) => r.kind)).toEqual(['alert', 'notice']);
    await worker.drain();
    expect(printed.map((text) => text.split('\n')[0])).toEqual(['┌ console:team · watch "gpt-5"', '┌ console:team · ainews notice']);
  });
});
