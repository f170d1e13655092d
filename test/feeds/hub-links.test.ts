import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchFeed, type FetchSettings } from '../../src/feeds/fetch.ts';
import { parseFeed } from '../../src/feeds/parse.ts';
import { FeedServer } from '../helpers/feed-server.ts';

// WebSub discovery (https://www.w3.org/TR/websub/#discovery): where each kind of feed names its hub
// and its own URL, and the Link headers that take precedence over them.

const origin = { url: 'https://blog.example.com/feeds/main.xml', contentType: null };

describe('hub and self in the feed body', () => {
  it('reads an Atom feed’s link rel="hub" and rel="self", not its entries’ links', async () => {
    const feed = await parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title>
        <link href="https://blog.example.com/"/>
        <link rel="self" type="application/atom+xml" href="https://blog.example.com/feeds/main.xml"/>
        <link rel="hub" href="https://pubsubhubbub.appspot.com/"/>
        <link rel="hub" href="https://second-hub.example/"/>
        <entry><id>1</id><title>Post</title><link rel="hub" href="https://entry-hub.example/"/></entry></feed>`,
      origin,
    );
    expect(feed).toMatchObject({ hub: 'https://pubsubhubbub.appspot.com/', self: 'https://blog.example.com/feeds/main.xml' });
    expect(feed.entries.map((entry) => entry.title)).toEqual(['Post']);
  });

  it('reads relations written as IANA IRIs (RFC 4287 §4.2.7.2)', async () => {
    const feed = await parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom"><title>IRIs</title>
        <link rel="http://www.iana.org/assignments/relation/hub" href="https://hub.example/"/>
        <link rel="http://www.iana.org/assignments/relation/self" href="https://iri.example/feed"/></feed>`,
    );
    expect(feed).toMatchObject({ hub: 'https://hub.example/', self: 'https://iri.example/feed' });
  });

  it('reads RSS 2.0’s atom:link, whatever the prefix, beside the channel’s own <link>', async () => {
    const feed = await parseFeed(
      `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>News</title>
        <link>https://news.example.com/</link>
        <atom:link href="https://news.example.com/rss" rel="self" type="application/rss+xml"/>
        <atom10:link xmlns:atom10="http://www.w3.org/2005/Atom" rel="hub" href="https://pubsubhubbub.appspot.com/"/>
        <item><title>One</title><link>https://news.example.com/1</link></item></channel></rss>`,
    );
    expect(feed).toMatchObject({ hub: 'https://pubsubhubbub.appspot.com/', self: 'https://news.example.com/rss' });
    expect(feed.entries.map((entry) => entry.link)).toEqual(['https://news.example.com/1']);
  });

  it('reads an Atom link in RSS that declares the namespace on itself, unprefixed', async () => {
    const feed = await parseFeed(
      `<rss version="2.0"><channel><title>News</title><link>https://news.example.com/</link>
        <link xmlns="http://www.w3.org/2005/Atom" rel="hub" href="https://hub.example/"/></channel></rss>`,
    );
    expect(feed.hub).toBe('https://hub.example/');
  });

  it('reads RSS 1.0 (RDF)’s channel', async () => {
    const feed = await parseFeed(
      `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:atom="http://www.w3.org/2005/Atom">
        <channel rdf:about="https://rdf.example/rss"><title>RDF</title><link>https://rdf.example/</link>
          <atom:link rel="hub" href="https://hub.example/rdf"/><atom:link rel="self" href="https://rdf.example/rss"/></channel>
        <item rdf:about="https://rdf.example/1"><title>One</title><link>https://rdf.example/1</link></item></rdf:RDF>`,
    );
    expect(feed).toMatchObject({ hub: 'https://hub.example/rdf', self: 'https://rdf.example/rss' });
    expect(feed.entries).toHaveLength(1);
  });

  it('reads a JSON Feed’s WebSub hub, in any case, and its feed_url as self', async () => {
    const feed = await parseFeed(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'JSON',
        feed_url: 'https://json.example/feed.json',
        hubs: [{ type: 'rssCloud', url: 'https://cloud.example/' }, { type: 'websub', url: 'https://hub.example/json' }],
        items: [],
      }),
    );
    expect(feed).toMatchObject({ hub: 'https://hub.example/json', self: 'https://json.example/feed.json' });
  });

  it('resolves relative hrefs against the feed’s URL, and drops them when it is not known', async () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><title>Relative</title><link rel="hub" href="/hub"/><link rel="self" href="main.xml"/></feed>`;
    expect(await parseFeed(atom, origin)).toMatchObject({ hub: 'https://blog.example.com/hub', self: 'https://blog.example.com/feeds/main.xml' });
    expect(await parseFeed(atom)).toMatchObject({ hub: null, self: null });
    const json = JSON.stringify({ version: 'https://jsonfeed.org/version/1', feed_url: 'feed.json', hubs: [{ type: 'WebSub', url: '/hub' }], items: [] });
    expect(await parseFeed(json, origin)).toMatchObject({ hub: 'https://blog.example.com/hub', self: 'https://blog.example.com/feeds/feed.json' });
  });

  it('ignores hubs that are not http(s), taking the first that is', async () => {
    const feed = await parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom"><title>Schemes</title>
        <link rel="hub" href="xmpp:hub@example.com"/><link rel="hub" href="javascript:alert(1)"/><link rel="hub" href="http://hub.example/"/></feed>`,
    );
    expect(feed.hub).toBe('http://hub.example/');
    const json = JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', hubs: [{ type: 'WebSub', url: 'ftp://hub.example/' }], items: [] });
    expect((await parseFeed(json)).hub).toBeNull();
  });

  it('gives null for a feed that names neither', async () => {
    const feed = await parseFeed('<rss version="2.0"><channel><title>Plain</title><link>https://plain.example/</link></channel></rss>');
    expect(feed).toMatchObject({ hub: null, self: null });
  });
});

describe('hub and self in Link headers, through fetchFeed', () => {
  const settings: FetchSettings = { timeoutMs: 2000, maxBytes: 64 * 1024, maxRedirects: 5, userAgent: 'ainews-test/1', allowPrivateNetwork: true };
  const server = new FeedServer();
  const atom = '<feed xmlns="http://www.w3.org/2005/Atom"><title>Body</title><link rel="hub" href="https://body-hub.example/"/></feed>';
  const withLinks = (status: number, links: string[]) => (_req: unknown, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/atom+xml', etag: '"v1"', link: links });
    res.end(status === 304 ? undefined : atom);
  };

  beforeAll(async () => {
    await server.listen();
    server
      .route('/one-field', withLinks(200, ['<https://hub.example/>; rel="hub", </one-field>; rel="self"']))
      .route('/two-fields', withLinks(200, ['<https://first-hub.example/>; rel=hub', '<https://second-hub.example/>; rel=hub', '</canonical>; rel=self']))
      .route('/rel-list', withLinks(200, ['<ftp://hub.example/>; rel=hub, <https://hub.example/listed>; rel="Alternate HUB"']))
      .route('/not-modified', withLinks(304, ['<https://hub.example/>; rel=hub']))
      .route('/moved', { status: 301, headers: { location: '/one-field', link: '<https://redirect-hub.example/>; rel=hub' } })
      .route('/none', { body: atom });
  });
  afterAll(() => server.close());

  it('reads several links in one header, resolved against the URL', async () => {
    const fetched = await fetchFeed(server.url('/one-field'), settings);
    expect(fetched.links).toEqual({ hub: 'https://hub.example/', self: server.url('/one-field') });
  });

  it('reads several Link headers, the first hub winning', async () => {
    expect((await fetchFeed(server.url('/two-fields'), settings)).links).toEqual({ hub: 'https://first-hub.example/', self: server.url('/canonical') });
  });

  it('reads a quoted rel list in any case, skipping a hub that is not http(s)', async () => {
    expect((await fetchFeed(server.url('/rel-list'), settings)).links).toEqual({ hub: 'https://hub.example/listed', self: null });
  });

  it('reads them from a 304 too', async () => {
    const fetched = await fetchFeed(server.url('/not-modified'), settings, { etag: '"v1"' });
    expect(fetched.status).toBe(304);
    expect(fetched.links.hub).toBe('https://hub.example/');
  });

  it('reads the final answer’s, not a redirect’s', async () => {
    expect((await fetchFeed(server.url('/moved'), settings)).links.hub).toBe('https://hub.example/');
  });

  it('keeps the header’s links apart from the body’s', async () => {
    const fetched = await fetchFeed(server.url('/none'), settings);
    expect(fetched.links).toEqual({ hub: null, self: null });
    const feed = await parseFeed(fetched.body.toString(), { url: fetched.finalUrl, contentType: fetched.contentType });
    expect(feed.hub).toBe('https://body-hub.example/');
  });
});
