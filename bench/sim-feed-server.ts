import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An item as the server lists it: published at `at` (ms since the epoch). */
export interface ServedItem {
  at: number;
  link: string;
  title: string;
  description: string;
}

/** A feed as the server knows it: its items oldest first, of which its document lists the newest `keep`. */
export interface ServedFeed {
  index: number;
  name: string;
  zh: boolean;
  /** Names a WebSub hub (see `hubUrl`). */
  pushed: boolean;
  keep: number;
  items: ServedItem[];
}

/** Requests the server answered, by feed, while `counting` said so. */
export interface RequestCounts {
  total: number;
  notModified: number;
  byFeed: number[];
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The simulated feeds on 127.0.0.1, each at /feed/<index>.xml: an RSS document of its newest items
 * published by the fake clock, with an ETag and a Last-Modified that change only when an item appears,
 * answered 304 when the poller's validators still match, as a well-behaved feed server does.
 * Feeds a hub pushes name it (`rel="hub"`) in the document and in a Link header. Listening on several
 * ports makes as many hosts (feed i on port i mod n): ainews fetches one feed of a host at a time.
 */
export class SimFeedServer {
  counts: RequestCounts;
  /** The hub pushed feeds name; unset, `<this server>/hub`, where nothing answers. */
  hubUrl: string | null = null;
  private servers: Server[] = [];
  private readonly rendered = new Map<number, { published: number; body: string }>();

  constructor(
    private readonly feeds: ServedFeed[],
    private readonly clock: () => number,
    /** Whether a request is counted (those after the measured day are not). */
    private readonly counting: () => boolean,
  ) {
    this.counts = this.fresh();
  }

  /** Listens on `hosts` ports of 127.0.0.1, each one host to the poller. */
  async listen(hosts = 1): Promise<this> {
    this.servers = Array.from({ length: hosts }, () => http.createServer((req, res) => this.handle(req, res)));
    await Promise.all(this.servers.map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
    return this;
  }

  url(feed: ServedFeed): string {
    return `${this.base(feed.index % this.servers.length)}/feed/${feed.index}.xml`;
  }

  /** Starts counting again from zero, for the next mode. */
  reset(): void {
    this.counts = this.fresh();
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map((server) => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
  }

  private fresh(): RequestCounts {
    return { total: 0, notModified: 0, byFeed: new Array<number>(this.feeds.length).fill(0) };
  }

  /** The feed's document as it stands now: what a hub pushes when the feed changes. */
  documentNow(feed: ServedFeed): string {
    return this.document(feed, publishedBy(feed.items, this.clock()));
  }

  private hub(): string {
    return this.hubUrl ?? `${this.base()}/hub`;
  }

  private base(host = 0): string {
    const { port } = this.servers[host]!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const feed = this.feeds[Number(/^\/feed\/(\d+)\.xml$/.exec(req.url ?? '')?.[1] ?? -1)];
    if (!feed) return void res.writeHead(404).end('not found');
    if (this.counting()) {
      this.counts.total++;
      this.counts.byFeed[feed.index]!++;
    }
    const published = publishedBy(feed.items, this.clock());
    const etag = `"${feed.index}-${published}"`;
    const newest = published > 0 ? feed.items[published - 1]!.at : 0;
    const lastModified = new Date(newest).toUTCString();
    const headers: Record<string, string> = { etag, 'last-modified': lastModified };
    if (feed.pushed) headers.link = `<${this.hub()}>; rel="hub", <${this.url(feed)}>; rel="self"`;
    const matches = req.headers['if-none-match'] !== undefined ? req.headers['if-none-match'] === etag : req.headers['if-modified-since'] === lastModified;
    if (matches) {
      if (this.counting()) this.counts.notModified++;
      return void res.writeHead(304, headers).end();
    }
    res.writeHead(200, { ...headers, 'content-type': 'application/rss+xml; charset=utf-8' }).end(this.document(feed, published));
  }

  /** The feed's document with its first `published` items out, rendered once per change. */
  private document(feed: ServedFeed, published: number): string {
    const cached = this.rendered.get(feed.index);
    if (cached?.published === published) return cached.body;
    const items = feed.items.slice(Math.max(0, published - feed.keep), published).reverse();
    const hub = feed.pushed ? `<atom:link rel="hub" href="${this.hub()}"/><atom:link rel="self" href="${this.url(feed)}"/>` : '';
    const body =
      `<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>` +
      `<title>${escape(feed.name)}</title><link>https://feed${feed.index}.example.com/</link><language>${feed.zh ? 'zh-cn' : 'en'}</language>${hub}` +
      items.map(itemXml).join('') +
      '</channel></rss>';
    this.rendered.set(feed.index, { published, body });
    return body;
  }
}

function itemXml(item: ServedItem): string {
  return (
    `<item><title>${escape(item.title)}</title><link>${item.link}</link><guid isPermaLink="true">${item.link}</guid>` +
    `<pubDate>${new Date(item.at).toUTCString()}</pubDate><description>${escape(item.description)}</description></item>`
  );
}

/** How many of the items (oldest first) are published at `now`. */
export function publishedBy(items: ServedItem[], now: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid]!.at <= now) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
