import http, { type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Route {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Answer 304 when the request carries this ETag in If-None-Match. */
  etag?: string;
  delayMs?: number;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A real HTTP feed server on 127.0.0.1 that records every request it gets. */
export class FeedServer {
  readonly requests: { path: string; headers: IncomingHttpHeaders }[] = [];
  private readonly routes = new Map<string, Route | Handler>();
  private server: Server | null = null;
  private inFlight = 0;
  maxInFlight = 0;

  route(path: string, route: Route | Handler): this {
    this.routes.set(path, route);
    return this;
  }

  url(path: string): string {
    const { address, port } = this.server!.address() as AddressInfo;
    return `http://${address}:${port}${path}`;
  }

  hits(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  /** Listens on a loopback address (127.0.0.1 unless another of 127.0.0.0/8 is given). */
  async listen(host = '127.0.0.1'): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, host, resolve));
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    this.requests.push({ path, headers: req.headers });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => this.inFlight--);
    const route = this.routes.get(path);
    if (!route) return void res.writeHead(404).end('not found');
    if (typeof route === 'function') return route(req, res);
    if (route.delayMs) await new Promise((resolve) => setTimeout(resolve, route.delayMs));
    if (route.etag && req.headers['if-none-match'] === route.etag) return void res.writeHead(304, { etag: route.etag }).end();
    res.writeHead(route.status ?? 200, { 'content-type': 'application/rss+xml; charset=utf-8', ...(route.etag ? { etag: route.etag } : {}), ...route.headers });
    res.end(route.body ?? '');
  }
}

/** A minimal RSS 2.0 document for tests that care about items, not quirks. */
export function rss(items: { title: string; link: string; guid?: string; description?: string; pubDate?: string }[], title = 'Test Feed'): string {
  const body = items
    .map(
      (item) =>
        `<item><title>${item.title}</title><link>${item.link}</link>${item.guid ? `<guid>${item.guid}</guid>` : ''}` +
        `<description><![CDATA[${item.description ?? `<p>${item.title}</p>`}]]></description>` +
        `<pubDate>${item.pubDate ?? 'Sat, 02 Aug 2025 08:00:00 GMT'}</pubDate></item>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>${title}</title><link>http://example.com/</link>${body}</channel></rss>`;
}
