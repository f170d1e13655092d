import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { feedJson } from '../../src/cli/feeds-commands.ts';
import { WebSubSubscriptions } from '../../src/db/websub-subscriptions.ts';
import { SqliteSql } from '../../src/db/sql.ts';
import { createLogger } from '../../src/log.ts';
import { websubCallback } from '../../src/websub/callback-route.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { FeedServer } from '../helpers/feed-server.ts';
import { waitUntil } from '../helpers/wait.ts';
import { WebSubHub } from '../helpers/websub-hub.ts';

const CHANNEL = 'console:news';

/** An RSS feed naming its hub and itself with atom:link, as WordPress and Blogger feeds do. */
function hubFeed(hub: string, self: string, items: { title: string; link: string }[]): string {
  const entries = items.map((item) => `<item><title>${item.title}</title><link>${item.link}</link><pubDate>${new Date().toUTCString()}</pubDate></item>`).join('');
  return (
    `<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Hubbed</title>` +
    `<link>http://example.com/</link><atom:link rel="hub" href="${hub}"/><atom:link rel="self" href="${self}"/>${entries}</channel></rss>`
  );
}

/** ainews's callback server, started before the app so that its URL can be PUBLIC_URL. */
class CallbackServer {
  handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  private readonly server: Server = http.createServer((req, res) => this.handler(req, res));
  url = '';

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface Setup {
  app: TestApp;
  hub: WebSubHub;
  feeds: FeedServer;
  callbacks: CallbackServer;
  topic: string;
  items: { title: string; link: string }[];
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: { deny?: boolean; env?: Record<string, string> } = {}): Promise<Setup> {
  const hub = await new WebSubHub({ defaultLeaseSeconds: 7 * 86_400 }).listen();
  const feeds = await new FeedServer().listen();
  const callbacks = await new CallbackServer().listen();
  const topic = feeds.url('/feed.xml');
  if (options.deny) hub.denyTopics.add(topic);
  const items = [{ title: 'First post', link: 'https://blog.example/1' }];
  feeds.route('/feed.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(hubFeed(hub.url, topic, items)));
  const app = await testApp({ PUBLIC_URL: callbacks.url, FETCH_MAX_BYTES: '64KB', ...options.env });
  callbacks.handler = websubCallback(app.websub!, { maxBytes: app.config.FETCH_MAX_BYTES, log: createLogger('silent') });
  cleanups.push(() => hub.close(), () => feeds.close(), () => callbacks.close(), () => app.dispose());
  await app.watches.add(CHANNEL, '*', 'u1');
  await app.admin.add({ url: topic });
  return { app, hub, feeds, callbacks, topic, items };
}

function subscription(app: TestApp) {
  return app.db.prepare('SELECT * FROM websub_subscriptions').get() as { state: string; token: string; secret: string; expires_at: string; last_error: string | null; requested_at: string } | undefined;
}

/** The first poll finds the hub and subscribes; the hub verifies. */
async function subscribed(s: Setup): Promise<void> {
  await s.app.scheduler.tick({ all: true });
  await waitUntil(() => s.hub.requests.length > 0, 5000, 'the subscription request');
  await s.hub.idle();
  await waitUntil(() => subscription(s.app)?.state === 'active', 5000, 'the subscription verified');
}

function titles(app: TestApp): string[] {
  return (app.db.prepare('SELECT title FROM items ORDER BY id').all() as { title: string }[]).map((row) => row.title);
}

function alerts(app: TestApp): number {
  return app.db.prepare(`SELECT count(*) FROM outbox WHERE kind = 'alert'`).pluck().get() as number;
}

function pushBody(s: Setup, title: string, link: string): string {
  s.items.unshift({ title, link });
  return hubFeed(s.hub.url, s.topic, [{ title, link }]);
}

describe('WebSub', () => {
  it('subscribes to the hub a feed names, verifies, stores what is pushed, and polls the feed rarely', async () => {
    const s = await setup();
    await subscribed(s);
    const request = s.hub.requests[0]!;
    expect(request).toMatchObject({ mode: 'subscribe', topic: s.topic, status: 202 });
    expect(request.callback).toMatch(new RegExp(`^${s.callbacks.url}/websub/[\\w-]{32}$`));
    expect(request.secret).toHaveLength(32);
    expect(s.hub.verifications[0]).toMatchObject({ mode: 'subscribe', verified: true, status: 200 });
    expect(await s.app.websub!.pushState(1)).toMatchObject({ pushing: true });

    // A push goes the way of a poll: stored, deduped, routed to the channel watching it.
    const deliveries = await s.hub.publish(s.topic, pushBody(s, 'Pushed news', 'https://blog.example/2'), 'application/rss+xml');
    expect(deliveries.map((d) => d.status)).toEqual([200]);
    await waitUntil(() => alerts(s.app) === 1, 5000, 'the pushed item alerted');
    expect(titles(s.app)).toEqual(['First post', 'Pushed news']);
    // Pushed again (a hub retrying): stored once, alerted once.
    await s.hub.publish(s.topic, hubFeed(s.hub.url, s.topic, s.items), 'application/rss+xml');
    await s.app.processor.drain();
    expect(titles(s.app)).toHaveLength(2);
    expect(alerts(s.app)).toBe(1);

    // The next poll is planned at FEED_MAX_INTERVAL, and says why.
    await s.app.scheduler.tick({ all: true });
    const feed = (await s.app.feeds.find(1))!;
    expect(feed.interval_seconds).toBe(7200);
    expect(feed.interval_reason).toMatch(/^pushed by its WebSub hub 127\.0\.0\.1:\d+; polled at FEED_MAX_INTERVAL as a safety net$/);
    // What `feeds list --json` prints for it.
    expect(feedJson(feed, await new WebSubSubscriptions(SqliteSql.open(s.app.db)).forFeed(1))).toMatchObject({ interval_mode: 'adaptive', interval_seconds: 7200, websub: { hub: s.hub.url, state: 'active', pushes: 2 } });
  });

  it('refuses a push with a bad signature, for an unknown callback, for another topic, or too large', async () => {
    const s = await setup();
    await subscribed(s);
    const { token, secret } = subscription(s.app)!;
    const callback = `${s.callbacks.url}/websub/${token}`;

    const tampered = await s.hub.publish(s.topic, pushBody(s, 'Forged', 'https://evil.example/1'), 'application/rss+xml', { tamper: true });
    expect(tampered.map((d) => d.status)).toEqual([403]);
    const unsigned = await s.hub.pushTo(callback, hubFeed(s.hub.url, s.topic, [{ title: 'Unsigned', link: 'https://evil.example/2' }]), { 'content-type': 'application/rss+xml' });
    expect(unsigned).toBe(403);

    const body = hubFeed(s.hub.url, s.topic, [{ title: 'Elsewhere', link: 'https://evil.example/3' }]);
    const unknown = await s.hub.pushTo(`${s.callbacks.url}/websub/${'x'.repeat(32)}`, body, { 'x-hub-signature': s.hub.signature(secret, Buffer.from(body)) });
    expect(unknown).toBe(404);
    const otherTopic = await s.hub.pushTo(callback, body, {
      'x-hub-signature': s.hub.signature(secret, Buffer.from(body)),
      link: '<https://other.example/feed>; rel="self"',
    });
    expect(otherTopic).toBe(400);

    const huge = hubFeed(s.hub.url, s.topic, [{ title: 'Huge', link: 'https://blog.example/huge' }]).replace('<title>Hubbed</title>', `<title>${'x'.repeat(70_000)}</title>`);
    expect(await s.hub.pushTo(callback, huge, { 'x-hub-signature': s.hub.signature(secret, Buffer.from(huge)) })).toBe(413);

    await s.app.processor.drain();
    expect(titles(s.app)).toEqual(['First post']);
    // An intent check for a topic never asked about is refused as well.
    const check = await fetch(`${callback}?hub.mode=subscribe&hub.topic=${encodeURIComponent('https://other.example/feed')}&hub.challenge=abc`);
    expect(check.status).toBe(404);
  });

  it('renews the lease before it ends, with the same callback and secret', async () => {
    const s = await setup();
    await subscribed(s);
    const first = subscription(s.app)!;
    // Six days and a half later: the week's lease has less than a day left.
    const later = (iso: string, ms: number) => new Date(Date.parse(iso) - ms).toISOString();
    s.app.db
      .prepare('UPDATE websub_subscriptions SET requested_at = ?, expires_at = ?')
      .run(later(first.requested_at, 6.5 * 86_400_000), new Date(Date.now() + 12 * 3_600_000).toISOString());
    await s.app.websub!.maintain();
    await s.hub.idle();
    await waitUntil(() => Date.parse(subscription(s.app)!.expires_at) > Date.now() + 6 * 86_400_000, 5000, 'the lease renewed');
    expect(s.hub.requests.map((r) => r.mode)).toEqual(['subscribe', 'subscribe']);
    expect(s.hub.requests[1]).toMatchObject({ callback: s.hub.requests[0]!.callback, secret: first.secret });
    expect(subscription(s.app)).toMatchObject({ state: 'active', token: first.token });
  });

  it('falls back to adaptive polling when polls find news the hub stopped pushing, and says why', async () => {
    const s = await setup();
    await subscribed(s);
    await s.app.scheduler.tick({ all: true });
    await s.hub.publish(s.topic, pushBody(s, 'Pushed', 'https://blog.example/2'), 'application/rss+xml');
    // A poll finds news pushed since the poll before: the hub is working.
    s.items.unshift({ title: 'Between', link: 'https://blog.example/3' });
    await s.app.scheduler.tick({ all: true });
    expect(await s.app.websub!.pushState(1)).toMatchObject({ pushing: true });
    // The hub goes quiet; a poll finds news nobody pushed.
    s.items.unshift({ title: 'Unpushed', link: 'https://blog.example/4' });
    await s.app.scheduler.tick({ all: true });
    expect(subscription(s.app)).toMatchObject({ state: 'fallback', last_error: expect.stringMatching(/^pushes from 127\.0\.0\.1:\d+ stopped: a poll found 1 new item it had not pushed \(last push /) });
    const feed = (await s.app.feeds.find(1))!;
    expect(feed.interval_seconds).toBeLessThan(7200);
    expect(feed.interval_reason).toMatch(/^adaptive: .*; back to polling: pushes from 127\.0\.0\.1:\d+ stopped: .*; asked again \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(titles(s.app)).toEqual(['First post', 'Pushed', 'Between', 'Unpushed']);
  });

  it('unsubscribes when the feed is removed, and takes no more pushes for it', async () => {
    const s = await setup();
    await subscribed(s);
    const { token, secret } = subscription(s.app)!;
    await s.app.admin.remove('1');
    await s.hub.idle();
    await waitUntil(() => subscription(s.app) === undefined, 5000, 'the unsubscription verified');
    expect(s.hub.requests.map((r) => r.mode)).toEqual(['subscribe', 'unsubscribe']);
    expect(s.hub.verifications.at(-1)).toMatchObject({ mode: 'unsubscribe', verified: true });
    expect(s.hub.subscriptions()).toEqual([]);
    const body = hubFeed(s.hub.url, s.topic, [{ title: 'Late', link: 'https://blog.example/late' }]);
    expect(await s.hub.pushTo(`${s.callbacks.url}/websub/${token}`, body, { 'x-hub-signature': s.hub.signature(secret, Buffer.from(body)) })).toBe(404);
  });

  it('keeps polling a feed whose hub denies or refuses the subscription, and says why', async () => {
    const denied = await setup({ deny: true });
    await denied.app.scheduler.tick({ all: true });
    await waitUntil(() => denied.hub.requests.length > 0, 5000, 'the subscription request');
    await denied.hub.idle();
    await waitUntil(() => subscription(denied.app)?.state === 'failed', 5000, 'the denial recorded');
    expect(subscription(denied.app)!.last_error).toMatch(/^the hub denied the subscription: /);
    await denied.app.scheduler.tick({ all: true });
    expect((await denied.app.feeds.find(1))!.interval_reason).toMatch(/; back to polling: the hub denied the subscription: .*; asked again /);

    const refused = await setup();
    refused.hub.refuse = 503;
    await refused.app.scheduler.tick({ all: true });
    await waitUntil(() => subscription(refused.app)?.state === 'failed', 5000, 'the refusal recorded');
    expect(subscription(refused.app)!.last_error).toMatch(/^the hub answered HTTP 503/);
  });

  it('subscribes to nothing without PUBLIC_URL', async () => {
    const hub = await new WebSubHub().listen();
    const feeds = await new FeedServer().listen();
    const app = await testApp();
    cleanups.push(() => hub.close(), () => feeds.close(), () => app.dispose());
    feeds.route('/feed.xml', { body: hubFeed(hub.url, feeds.url('/feed.xml'), [{ title: 'A', link: 'https://blog.example/a' }]) });
    await app.admin.add({ url: feeds.url('/feed.xml') });
    await app.scheduler.tick({ all: true });
    expect(app.websub).toBeNull();
    expect(hub.requests).toEqual([]);
  });
});
