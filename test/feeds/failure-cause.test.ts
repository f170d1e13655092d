import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFeed } from '../../src/feeds/charset.ts';
import type { FeedFetchError } from '../../src/feeds/errors.ts';
import { classifyFailure, describeCause, type FailureCause } from '../../src/feeds/failure-cause.ts';
import { fetchFeed, type FetchSettings } from '../../src/feeds/fetch.ts';
import { parseFeed } from '../../src/feeds/parse.ts';
import { FeedServer } from '../helpers/feed-server.ts';
import { freePort } from '../helpers/wait.ts';

const settings: FetchSettings = { timeoutMs: 1000, maxBytes: 256 * 1024, maxRedirects: 5, userAgent: 'ainews-test/1', allowPrivateNetwork: true };
const server = new FeedServer();
const html = { 'content-type': 'text/html; charset=utf-8' };

// Pages as the walls serve them, cut to what they always carry.
const CLOUDFLARE_CHALLENGE =
  '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title><meta http-equiv="refresh" content="390"></head><body>' +
  '<div class="main-wrapper"><noscript>Enable JavaScript and cookies to continue</noscript></div>' +
  '<script>(function(){window._cf_chl_opt={cvId: \'3\',cZone: "example.com"};var a = document.createElement(\'script\');a.src = \'/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8a1b\';}());</script></body></html>';
const CLOUDFLARE_BLOCK = '<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head><body><h1>Sorry, you have been blocked</h1></body></html>';
const DATADOME =
  '<html><head><title>example.com</title></head><body><p>Please enable JS and disable any ad blocker</p>' +
  '<script data-cfasync="false">var dd={\'rt\':\'c\',\'cid\':\'AHrlqAAA\',\'host\':\'geo.captcha-delivery.com\'}</script><script src="https://ct.captcha-delivery.com/c.js"></script></body></html>';
const PERIMETERX =
  '<html><head><title>Access to this page has been denied.</title></head><body><div id="px-captcha"></div>' +
  '<script>window._pxAppId = \'PXu6b0qd2S\';window._pxJsClientSrc = \'/u6b0qd2S/init.js\';</script></body></html>';
const AKAMAI =
  '<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\n \nYou don\'t have permission to access "http&#58;&#47;&#47;www&#46;example&#46;com&#47;rss" on this server.<P>\n' +
  'Reference&#32;&#35;18&#46;6f1d2017&#46;1700000000&#46;1a2b3c4d\n<P>https&#58;&#47;&#47;errors&#46;edgesuite&#46;net&#47;18&#46;6f1d2017\n</BODY>\n</HTML>';
const PAGE_WITH_FEED =
  '<!doctype html><html><head><title>The Blog</title><link rel="stylesheet" href="/s.css">' +
  '<link rel="alternate" type="application/rss+xml" title="RSS" href="/blog/feed.xml"></head><body><p>Welcome</p></body></html>';
const PAGE_WITHOUT_FEED = '<!doctype html><html><head><title>Home</title></head><body><p>Welcome</p></body></html>';

beforeAll(async () => {
  await server.listen();
  server
    .route('/gone', { status: 404 })
    .route('/removed', { status: 410 })
    .route('/cloudflare', {
      status: 403,
      headers: { ...html, server: 'cloudflare', 'cf-mitigated': 'challenge', 'cf-ray': '8a1b2c3d4e5f6a7b-FRA', 'content-encoding': 'gzip' },
      body: gzipSync(CLOUDFLARE_CHALLENGE),
    })
    .route('/cloudflare-block', { status: 403, headers: { ...html, server: 'cloudflare', 'cf-ray': '8a1b2c3d4e5f6a7c-FRA' }, body: CLOUDFLARE_BLOCK })
    .route('/cloudflare-200', { headers: { ...html, server: 'cloudflare' }, body: CLOUDFLARE_CHALLENGE })
    .route('/datadome', { status: 403, headers: { ...html, 'x-datadome': 'protected', 'set-cookie': 'datadome=AHrlqAAA; Max-Age=31536000; Path=/' }, body: DATADOME })
    .route('/perimeterx', { status: 403, headers: html, body: PERIMETERX })
    .route('/akamai', { status: 403, headers: { ...html, server: 'AkamaiGHost' }, body: AKAMAI })
    .route('/forbidden', { status: 403, headers: { ...html, server: 'nginx', 'cf-ray': '8a1b2c3d4e5f6a7d-FRA' }, body: '<html><body>403 Forbidden</body></html>' })
    .route('/login', { status: 401, headers: { 'www-authenticate': 'Basic realm="feeds"' } })
    .route('/busy', { status: 429, headers: { 'retry-after': '3600' } })
    .route('/broken-server', { status: 502 })
    .route('/slow', { body: '<rss/>', delayMs: 3000 })
    .route('/page', { headers: html, body: PAGE_WITH_FEED })
    .route('/plain-page', { headers: html, body: PAGE_WITHOUT_FEED })
    .route('/no-channel', { body: '<?xml version="1.0"?><rss version="2.0"></rss>' });
});
afterAll(() => server.close());

/** What a poll does with a URL, up to its error, and that error's cause. */
async function causeOf(url: string): Promise<FailureCause> {
  try {
    const fetched = await fetchFeed(url, settings);
    await parseFeed(decodeFeed(fetched.body, fetched.contentType).text, { url: fetched.finalUrl, contentType: fetched.contentType });
  } catch (error) {
    return classifyFailure(error);
  }
  throw new Error(`${url} was read as a feed`);
}

const context = { feedId: 7, nextPollAt: '2025-08-02T11:30:00.000Z', now: new Date('2025-08-02T08:30:00.000Z') };
const words = (cause: FailureCause) => describeCause(cause, context);

describe('the cause of a feed failure, told from a real answer', () => {
  it('a host that does not resolve is a DNS failure', async () => {
    const cause = await causeOf('http://feeds.example.invalid/rss');
    expect(cause).toEqual({ kind: 'dns', host: 'feeds.example.invalid' });
    expect(words(cause)).toContain('its host feeds.example.invalid cannot be found (DNS failure)');
  });

  it('an https URL to a port that speaks plain HTTP is a TLS error', async () => {
    const cause = await causeOf(server.url('/gone').replace('http:', 'https:'));
    expect(cause).toMatchObject({ kind: 'tls' });
    expect(words(cause)).toMatch(/^the secure connection fails \(TLS error, \w+\)/);
  });

  it('a closed port is a connection failure', async () => {
    const cause = await causeOf(`http://127.0.0.1:${await freePort()}/rss`);
    expect(cause).toEqual({ kind: 'connection', code: 'ECONNREFUSED' });
  });

  it.each([
    ['/gone', 404, 'Not Found'],
    ['/removed', 410, 'Gone'],
  ])('%s (HTTP %i) is a feed that is gone, and the notice suggests removing it', async (path, status, statusText) => {
    const cause = await causeOf(server.url(path));
    expect(cause).toEqual({ kind: 'gone', status, statusText });
    expect(words(cause)).toBe(
      `the feed is gone (HTTP ${status} ${statusText}): the site no longer serves it at this URL; find its new address and add that, or remove it with "feeds remove 7"`,
    );
  });

  it.each([
    ['/cloudflare', 'Cloudflare', 'a challenge named in cf-mitigated, gzipped'],
    ['/cloudflare-block', 'Cloudflare', 'the block page, by its title'],
    ['/datadome', 'DataDome', 'its header and captcha page'],
    ['/perimeterx', 'PerimeterX', 'its captcha page'],
    ['/akamai', 'Akamai', 'its edge refusal'],
  ])('%s is a bot challenge (%s: %s)', async (path, wall) => {
    const cause = await causeOf(server.url(path));
    expect(cause).toEqual({ kind: 'bot-wall', wall, status: 403 });
    expect(words(cause)).toBe(
      `the site shows a bot challenge (${wall}): ainews cannot pass it; ask the site for a feed URL that is not behind it, or remove the feed ("feeds remove 7")`,
    );
  });

  it('a Cloudflare challenge answered with 200 is still a challenge, not a web page naming no feed', async () => {
    const cause = await causeOf(server.url('/cloudflare-200'));
    expect(cause).toEqual({ kind: 'web-page', feeds: [], wall: 'Cloudflare' });
    expect(words(cause)).toContain('the site shows a bot challenge (Cloudflare): ainews cannot pass it');
  });

  it('keeps of a refusal the headers that name who answered, and of its cookies the names alone', async () => {
    const error = (await fetchFeed(server.url('/datadome'), settings).catch((e: FeedFetchError) => e)) as FeedFetchError;
    expect(error.details.response?.headers).toMatchObject({ 'x-datadome': 'protected', 'set-cookie': 'datadome' });
    expect(JSON.stringify(error.details)).not.toContain('AHrlqAAA; Max-Age');
    expect(error.details.response?.body).toContain('captcha-delivery.com');
  });

  it('a 403 from a site that merely sits behind a CDN, and a 401, are refusals, not challenges', async () => {
    expect(await causeOf(server.url('/forbidden'))).toEqual({ kind: 'denied', status: 403, statusText: 'Forbidden' });
    const login = await causeOf(server.url('/login'));
    expect(login).toEqual({ kind: 'denied', status: 401, statusText: 'Unauthorized' });
    expect(words(login)).toContain('the site refuses ainews (HTTP 401 Unauthorized): it may block bots or want a login');
  });

  it('a 429 is a rate limit, and the notice says when the next poll is', async () => {
    const cause = await causeOf(server.url('/busy'));
    expect(cause).toEqual({ kind: 'rate-limited', status: 429 });
    expect(words(cause)).toBe('the site is rate-limiting ainews (HTTP 429 Too Many Requests); the next poll is at 2025-08-02 11:30Z (in 3h)');
  });

  it('a 5xx is an error on the site’s side', async () => {
    expect(await causeOf(server.url('/broken-server'))).toEqual({ kind: 'server-error', status: 502, statusText: 'Bad Gateway' });
  });

  it('no answer within FETCH_TIMEOUT is a timeout', async () => {
    const cause = await causeOf(server.url('/slow'));
    expect(cause).toEqual({ kind: 'timeout', timeoutMs: 1000 });
    expect(words(cause)).toContain('did not answer in time (a timeout after 1s)');
  });

  it('a web page that names its feed suggests that feed, resolved against the page', async () => {
    const cause = await causeOf(server.url('/page'));
    const feed = server.url('/blog/feed.xml');
    expect(cause).toEqual({ kind: 'web-page', feeds: [feed], wall: null });
    expect(words(cause)).toBe(`the URL answers with a web page, not a feed; the page names its feed: ${feed}; add that ("feeds add ${feed}") and remove this one ("feeds remove 7")`);
  });

  it('a web page that names no feed says so', async () => {
    const cause = await causeOf(server.url('/plain-page'));
    expect(cause).toEqual({ kind: 'web-page', feeds: [], wall: null });
    expect(words(cause)).toContain('the page names no feed');
  });

  it('XML that is no feed is a parse error, with what is wrong', async () => {
    const cause = await causeOf(server.url('/no-channel'));
    expect(cause).toEqual({ kind: 'parse', message: 'not a feed: RSS with no channel' });
    expect(words(cause)).toBe('what the URL answers cannot be read as a feed (a parse error: not a feed: RSS with no channel)');
  });
});
