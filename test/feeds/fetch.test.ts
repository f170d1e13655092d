import { gzipSync, brotliCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedFetchError, UrlRefusedError } from '../../src/feeds/errors.ts';
import { addressGuard } from '../../src/feeds/address-guard.ts';
import { fetchFeed, type FetchSettings } from '../../src/feeds/fetch.ts';
import { parseFeedUrl } from '../../src/feeds/feed-url.ts';
import { FeedServer } from '../helpers/feed-server.ts';

const settings: FetchSettings = { timeoutMs: 2000, maxBytes: 64 * 1024, maxRedirects: 5, userAgent: 'ainews-test/1', allowPrivateNetwork: true };
const server = new FeedServer();

beforeAll(async () => {
  await server.listen();
  server
    .route('/feed', { body: '<rss/>', etag: '"v1"', headers: { 'last-modified': 'Sat, 02 Aug 2025 08:00:00 GMT', 'cache-control': 'public, max-age=86400' } })
    .route('/gzip', { body: gzipSync('<rss>gzip</rss>'), headers: { 'content-encoding': 'gzip' } })
    .route('/br', { body: brotliCompressSync('<rss>br</rss>'), headers: { 'content-encoding': 'br' } })
    .route('/moved', { status: 301, headers: { location: '/feed' } })
    .route('/moved-twice', { status: 308, headers: { location: '/moved' } })
    .route('/temporary', { status: 302, headers: { location: '/moved' } })
    .route('/loop', { status: 302, headers: { location: '/loop' } })
    .route('/busy', { status: 429, headers: { 'retry-after': '120' } })
    .route('/gone', { status: 410 })
    .route('/slow-headers', { body: '<rss/>', delayMs: 5000 })
    .route('/endless', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      const timer = setInterval(() => res.write('<item>' + 'x'.repeat(1000) + '</item>'), 5);
      res.on('close', () => clearInterval(timer));
    })
    .route('/trickle', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      const timer = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(timer));
    })
    .route('/gzip-trickle', (_req, res) => {
      const body = gzipSync('<rss>' + 'x'.repeat(100_000) + '</rss>');
      res.writeHead(200, { 'content-encoding': 'gzip' });
      let at = 0;
      const timer = setInterval(() => at < body.length - 10 && res.write(body.subarray(at, ++at)), 20);
      res.on('close', () => clearInterval(timer));
    })
    .route('/gzip-cut', (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.write(gzipSync('<rss>' + 'y'.repeat(100_000) + '</rss>').subarray(0, 200));
      setTimeout(() => res.socket!.destroy(), 20);
    })
    .route('/zip-bomb', { body: gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20)), headers: { 'content-encoding': 'gzip' } });
});
afterAll(() => server.close());

describe('fetchFeed', () => {
  it('sends a User-Agent naming the bot and reads validators and max-age (capped at 1 h)', async () => {
    const result = await fetchFeed(server.url('/feed'), settings);
    expect(result.status).toBe(200);
    expect(result.body.toString()).toBe('<rss/>');
    expect(result.etag).toBe('"v1"');
    expect(result.lastModified).toBe('Sat, 02 Aug 2025 08:00:00 GMT');
    expect(result.maxAgeMs).toBe(3_600_000);
    expect(server.requests.at(-1)!.headers['user-agent']).toBe('ainews-test/1');
    expect(server.requests.at(-1)!.headers['accept-encoding']).toContain('gzip');
  });

  it('makes a conditional GET and gets a 304 with an empty body', async () => {
    const result = await fetchFeed(server.url('/feed'), settings, { etag: '"v1"', lastModified: 'Sat, 02 Aug 2025 08:00:00 GMT' });
    expect(result.status).toBe(304);
    expect(result.body.length).toBe(0);
    expect(server.requests.at(-1)!.headers['if-none-match']).toBe('"v1"');
    expect(server.requests.at(-1)!.headers['if-modified-since']).toBe('Sat, 02 Aug 2025 08:00:00 GMT');
  });

  it('decompresses gzip and brotli', async () => {
    expect((await fetchFeed(server.url('/gzip'), settings)).body.toString()).toBe('<rss>gzip</rss>');
    expect((await fetchFeed(server.url('/br'), settings)).body.toString()).toBe('<rss>br</rss>');
  });

  it('follows redirects, and reports a move only when every hop was permanent', async () => {
    const permanent = await fetchFeed(server.url('/moved-twice'), settings);
    expect(permanent.finalUrl).toBe(server.url('/feed'));
    expect(permanent.movedTo).toBe(server.url('/feed'));
    const temporary = await fetchFeed(server.url('/temporary'), settings);
    expect(temporary.finalUrl).toBe(server.url('/feed'));
    expect(temporary.movedTo).toBeNull();
  });

  it('stops after the redirect limit', async () => {
    await expect(fetchFeed(server.url('/loop'), settings)).rejects.toThrow(/too many redirects \(more than 5\)/);
  });

  it('reports HTTP errors with the status and honours Retry-After on 429', async () => {
    const busy = await fetchFeed(server.url('/busy'), settings).catch((e: FeedFetchError) => e);
    expect(busy).toBeInstanceOf(FeedFetchError);
    expect((busy as FeedFetchError).details).toMatchObject({ status: 429, retryAfterMs: 120_000 });
    await expect(fetchFeed(server.url('/gone'), settings)).rejects.toThrow('HTTP 410 Gone');
  });

  it('times out on a server that never answers, and on one that trickles forever', async () => {
    await expect(fetchFeed(server.url('/slow-headers'), { ...settings, timeoutMs: 300 })).rejects.toThrow('timed out after 0.3s');
    await expect(fetchFeed(server.url('/trickle'), { ...settings, timeoutMs: 400 })).rejects.toThrow('timed out after 0.4s');
  });

  it('ends a compressed body that trickles or is cut off, instead of waiting forever', async () => {
    await expect(fetchFeed(server.url('/gzip-trickle'), { ...settings, timeoutMs: 400 })).rejects.toThrow('timed out after 0.4s');
    await expect(fetchFeed(server.url('/gzip-cut'), settings)).rejects.toThrow(FeedFetchError);
  });

  it('stops reading at the size cap, before and after decompression', async () => {
    await expect(fetchFeed(server.url('/endless'), settings)).rejects.toThrow(/larger than 64 KB/);
    await expect(fetchFeed(server.url('/zip-bomb'), settings)).rejects.toThrow(/larger than 64 KB/);
  });

  it('reports a refused connection clearly', async () => {
    const closed = new FeedServer();
    await closed.listen();
    const url = closed.url('/feed');
    await closed.close();
    await expect(fetchFeed(url, settings)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('the private-network guard (AINEWS_ALLOW_PRIVATE_NETWORK=false)', () => {
  const guarded = { ...settings, allowPrivateNetwork: false };

  it.each([
    ['loopback', () => server.url('/feed')],
    ['localhost by name', () => server.url('/feed').replace('127.0.0.1', 'localhost')],
    ['decimal IPv4', () => 'http://2130706433/feed'],
    ['octal IPv4', () => 'http://0177.0.0.1/feed'],
    ['IPv4-mapped IPv6', () => 'http://[::ffff:127.0.0.1]/feed'],
    ['0.0.0.0', () => 'http://0.0.0.0/feed'],
    ['the metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['private 10/8', () => 'http://10.0.0.1/feed'],
    ['IPv6 unique-local', () => 'http://[fd00::1]/feed'],
    ['IPv6 link-local', () => 'http://[fe80::1]/feed'],
    ['IPv6 loopback', () => 'http://[::1]/feed'],
  ])('refuses %s', async (_name, url) => {
    const before = server.requests.length;
    const error = await fetchFeed(parseFeedUrl(url()).href, guarded).catch((e: Error) => e);
    expect(error).toBeInstanceOf(UrlRefusedError);
    expect((error as Error).message).toMatch(/refused.*AINEWS_ALLOW_PRIVATE_NETWORK/);
    expect(server.requests.length).toBe(before);
  });

  it('refuses a host name whose DNS answer is private', async () => {
    const resolve = ((_host: string, _opts: unknown, cb: (e: null, a: { address: string; family: number }[]) => void) =>
      cb(null, [{ address: '127.0.0.1', family: 4 }])) as unknown as typeof import('node:dns').lookup;
    const port = new URL(server.url('/feed')).port;
    const before = server.requests.length;
    await expect(fetchFeed(`http://feeds.example.test:${port}/feed`, { ...guarded, guard: addressGuard({ resolve }) })).rejects.toThrow(
      /feeds\.example\.test resolves to 127\.0\.0\.1 \(loopback address\)/,
    );
    expect(server.requests.length).toBe(before);
  });

  it('checks every redirect hop, not only the first', async () => {
    // A policy under which 127.0.0.1 counts as public and 127.0.0.2 as private.
    const guard = addressGuard({ blocked: (address) => (address === '127.0.0.2' ? 'private' : null) });
    const inner = new FeedServer();
    await inner.listen('127.0.0.2');
    inner.route('/secret', { body: 'internal' });
    server.route('/to-inner', { status: 302, headers: { location: inner.url('/secret') } });
    try {
      await expect(fetchFeed(server.url('/to-inner'), { ...guarded, guard })).rejects.toThrow(/127\.0\.0\.2 \(private address\)/);
      expect(inner.requests).toHaveLength(0);
      expect((await fetchFeed(server.url('/feed'), { ...guarded, guard })).status).toBe(200);
    } finally {
      await inner.close();
    }
  });

  it('lets the same loopback server through when the flag is on', async () => {
    expect((await fetchFeed(server.url('/feed'), settings)).status).toBe(200);
  });
});
