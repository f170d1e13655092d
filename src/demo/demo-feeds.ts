import { readFileSync } from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { escapeXml as escape } from '../format.ts';

interface DemoItem {
  title: string;
  path: string;
  html: string;
}

interface DemoFeed {
  title: string;
  items: DemoItem[];
}

const DATA = new URL('../../data/demo/items.json', import.meta.url);

/**
 * A local feed server for the demo: an English Atom feed and a Chinese RSS feed whose items are
 * released one at a time, so that the demo shows a backlog first and then new items arriving.
 */
export class DemoFeedServer {
  private readonly feeds = JSON.parse(readFileSync(DATA, 'utf8')) as { en: DemoFeed; zh: DemoFeed };
  private released = 3;
  private server: Server | null = null;
  readonly start = new Date(Date.now() - 3_600_000);

  get total(): number {
    return Math.max(this.feeds.en.items.length, this.feeds.zh.items.length);
  }

  get remaining(): number {
    return this.total - this.released;
  }

  releaseNext(): void {
    this.released = Math.min(this.total, this.released + 1);
  }

  async listen(): Promise<{ en: string; zh: string }> {
    this.server = http.createServer((req, res) => {
      const base = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
      if (req.url === '/en/atom.xml') {
        res.writeHead(200, { 'content-type': 'application/atom+xml; charset=utf-8' });
        return res.end(this.atom(base));
      }
      if (req.url === '/zh/rss.xml') {
        res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
        return res.end(this.rss(base));
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const port = (this.server.address() as AddressInfo).port;
    return { en: `http://127.0.0.1:${port}/en/atom.xml`, zh: `http://127.0.0.1:${port}/zh/rss.xml` };
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private visible(feed: DemoFeed): { item: DemoItem; date: Date }[] {
    return feed.items
      .slice(0, this.released)
      .map((item, i) => ({ item, date: new Date(this.start.getTime() + i * 600_000) }))
      .reverse();
  }

  private atom(base: string): string {
    const entries = this.visible(this.feeds.en).map(
      ({ item, date }) => `<entry><id>${base}${escape(item.path)}</id><title type="html">${escape(item.title)}</title>
<link rel="alternate" href="${escape(base + item.path)}"/><published>${date.toISOString()}</published>
<content type="html">${escape(item.html)}</content><author><name>Demo Lab</name></author></entry>`,
    );
    return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>${escape(this.feeds.en.title)}</title>
<id>${base}/en/</id><updated>${new Date().toISOString()}</updated>${entries.join('\n')}</feed>`;
  }

  private rss(base: string): string {
    const items = this.visible(this.feeds.zh).map(
      ({ item, date }) => `<item><title>${escape(item.title)}</title><link>${escape(base + item.path)}</link>
<guid>${escape(base + item.path)}</guid><pubDate>${date.toUTCString()}</pubDate><description><![CDATA[${item.html}]]></description></item>`,
    );
    return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>${escape(this.feeds.zh.title)}</title>
<link>${base}/zh/</link><language>zh-cn</language>${items.join('\n')}</channel></rss>`;
  }
}
