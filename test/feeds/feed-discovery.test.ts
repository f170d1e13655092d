import type { lookup } from 'node:dns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addressGuard, blockedRange } from '../../src/feeds/address-guard.ts';
import { UrlRefusedError } from '../../src/feeds/errors.ts';
import { FeedAdmin } from '../../src/feeds/feed-admin.ts';
import { FeedDiscoveryError } from '../../src/feeds/feed-discovery.ts';
import { fetchFeed } from '../../src/feeds/fetch.ts';
import { ask } from '../helpers/ask.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { FeedServer, rss } from '../helpers/feed-server.ts';

const html = { 'content-type': 'text/html; charset=utf-8' };
const page = (head: string) => `<!DOCTYPE html><html><head><title>The Blog</title>${head}</head><body><h1>The Blog</h1></body></html>`;
const FEED = rss([{ title: 'First post', link: 'https://blog.example.com/1' }], 'The Blog');

let app: TestApp;
let server: FeedServer;

beforeEach(async () => {
  app = await testApp();
  server = await new FeedServer().listen();
  server
    .route('/blog/', {
      headers: html,
      body: page(
        '<link rel="stylesheet" href="/style.css"><link rel="alternate" type="application/rss+xml" title="Posts" href="feed.xml">' +
          '<link rel="alternate" type="application/atom+xml" title="Comments" href="/blog/comments.atom">',
      ),
    })
    .route('/blog/feed.xml', { body: FEED })
    .route('/about', { headers: html, body: page('<link rel="icon" href="/favicon.ico">') })
    .route('/served-as-html.xml', { headers: html, body: FEED });
});
afterEach(async () => {
  await app.dispose();
  await server.close();
});

describe('feeds add <web page>', () => {
  it('subscribes to the first feed the page names, resolved against the page, and says which', async () => {
    const result = await app.admin.subscribe({ url: server.url('/blog/'), name: 'The Blog' });
    expect(result).toMatchObject({ created: true, foundOn: server.url('/blog/'), alsoOnPage: [server.url('/blog/comments.atom')], note: null });
    expect((await app.feeds.list()).map((f) => [f.url, f.name])).toEqual([[server.url('/blog/feed.xml'), 'The Blog']]);
    // The feed found is fetched as any feed is, and polls like one.
    expect((await app.poller.poll((await app.feeds.list())[0]!)).result).toBe('updated');
  });

  it('says so in chat, and in the answer to adding the same page again', async () => {
    const answer = await ask(app, `feeds add ${server.url('/blog/')}`, { admin: true });
    expect(answer).toEqual({
      kind: 'notice',
      lines: [
        `Found the feed ${server.url('/blog/feed.xml')} on that page (it names 1 more).`,
        `Added feed #1 ${server.url('/blog/feed.xml')}. It is polled within a minute; its current items are stored as backlog, not posted.`,
      ],
    });
    const again = await ask(app, `feeds add ${server.url('/blog/')}`, { admin: true });
    expect(again).toMatchObject({ kind: 'notice', lines: [expect.stringContaining('Found the feed'), expect.stringMatching(/^Already subscribed: already subscribed: feed #1/)] });
    expect(await app.feeds.count()).toBe(1);
  });

  it('refuses a page that names no feed, with what to do, and adds nothing', async () => {
    const error = await app.admin.subscribe({ url: server.url('/about') }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(FeedDiscoveryError);
    expect((error as Error).message).toBe(
      `${server.url('/about')} is a web page, not a feed, and it names no feed (no <link rel="alternate"> to an RSS, Atom or JSON feed); find the site's feed URL and add that`,
    );
    expect(await ask(app, `feeds add ${server.url('/about')}`, { admin: true })).toMatchObject({ kind: 'error', message: expect.stringContaining('is a web page, not a feed, and it names no feed') });
    expect(await app.feeds.list()).toEqual([]);
  });

  it('adds a feed served as text/html as it is: what it holds decides, not the header', async () => {
    const result = await app.admin.subscribe({ url: server.url('/served-as-html.xml') });
    expect(result).toMatchObject({ created: true, foundOn: null });
    expect(result.feed.url).toBe(server.url('/served-as-html.xml'));
  });

  it('adds a URL that cannot be fetched just now as given, saying why in words', async () => {
    server.route('/down', { status: 503 });
    const result = await app.admin.subscribe({ url: server.url('/down') });
    expect(result).toMatchObject({ created: true, foundOn: null, note: 'it could not be fetched just now: the site answers HTTP 503 Service Unavailable, an error on its side; ainews keeps trying' });
  });
});

describe('the address guard on a feed a page names', () => {
  /** The names of this test, resolved: the page's host to the test server, another to a private address. */
  const names: Record<string, string> = { 'blog.test': '127.0.0.1', 'intranet.test': '10.0.0.5' };
  const resolve = ((host: string, _options: unknown, callback: (error: Error | null, addresses: { address: string; family: number }[]) => void) =>
    names[host] ? callback(null, [{ address: names[host], family: 4 }]) : callback(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }), [])) as unknown as typeof lookup;
  // The test server counts as public here; everything else as the guard always judges it.
  const guard = addressGuard({ resolve, blocked: (address) => (address === '127.0.0.1' ? null : blockedRange(address)) });

  function guardedAdmin(): FeedAdmin {
    const settings = { timeoutMs: 2000, maxBytes: 1024 * 1024, maxRedirects: 5, userAgent: 'ainews-test/1', allowPrivateNetwork: false, guard };
    return new FeedAdmin(app.feeds, { defaultIntervalMs: 900_000, minIntervalMs: 60_000, allowPrivateNetwork: false }, (url) => fetchFeed(url, settings));
  }

  it.each([
    ['the metadata address', 'http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254.*refused/],
    ['a name that resolves to a private address', 'http://intranet.test/feed.xml', /intranet\.test resolves to 10\.0\.0\.5 \(private address\)/],
  ])('refuses a page naming %s as its feed, and adds nothing', async (_what, target, message) => {
    server.route('/trap', { headers: html, body: page(`<link rel="alternate" type="application/rss+xml" href="${target}">`) });
    const pageUrl = server.url('/trap').replace('127.0.0.1', 'blog.test');
    const error = await guardedAdmin().subscribe({ url: pageUrl }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(UrlRefusedError);
    expect((error as Error).message).toMatch(message);
    expect(await app.feeds.list()).toEqual([]);
  });

  it('follows a page through the guard to a feed it may fetch', async () => {
    const pageUrl = server.url('/blog/').replace('127.0.0.1', 'blog.test');
    const result = await guardedAdmin().subscribe({ url: pageUrl });
    expect(result).toMatchObject({ created: true, foundOn: pageUrl, note: null });
    expect(result.feed.url).toBe(pageUrl.replace('/blog/', '/blog/feed.xml'));
  });
});
