import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '../src/app.ts';
import type { FeedRow } from '../src/db/feeds.ts';
import { createLogger } from '../src/log.ts';
import { websubCallback } from '../src/websub/callback-route.ts';
import type { SimFeed, SimItem } from './freshness-feeds.ts';
import type { SimFeedServer } from './sim-feed-server.ts';
import { WebSubHub } from './websub-hub.ts';

/** A pushed feed as the simulation knows it and as the app stores it. */
export interface PushedFeed {
  sim: SimFeed;
  row: FeedRow;
}

/**
 * WebSub for the adaptive run: a local hub (bench/websub-hub.ts, the tests' W3C hub) that the pushed
 * feeds name, and ainews's callback route on a server of its own whose URL is PUBLIC_URL. The app
 * subscribes on each pushed feed's first poll, as it would to any hub it finds.
 */
export class PushRig {
  readonly hub = new WebSubHub({ defaultLeaseSeconds: 7 * 86_400 });
  private handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => void res.writeHead(503).end();
  private readonly callbacks: Server = http.createServer((req, res) => this.handler(req, res));
  publicUrl = '';

  async listen(server: SimFeedServer): Promise<this> {
    await this.hub.listen();
    await new Promise<void>((resolve) => this.callbacks.listen(0, '127.0.0.1', resolve));
    this.publicUrl = `http://127.0.0.1:${(this.callbacks.address() as AddressInfo).port}`;
    server.hubUrl = this.hub.url;
    return this;
  }

  /** Serves the app's callbacks (the app is built with PUBLIC_URL = `publicUrl`). */
  attach(app: App): void {
    this.handler = websubCallback(app.websub!, { maxBytes: app.config.FETCH_MAX_BYTES, log: createLogger('silent') });
  }

  async close(): Promise<void> {
    await this.hub.close();
    this.callbacks.closeAllConnections();
    await new Promise<void>((resolve) => this.callbacks.close(() => resolve()));
  }
}

/**
 * Called for every item of a pushed feed published during the day, at the fake time `at` of its
 * publication. With a rig (the adaptive run), the hub pushes the feed's document as it now stands to
 * ainews's callback, which stores and routes it before answering; the fake clock stands still
 * meanwhile, so the wall-clock seconds this took are returned, to be the alert's delay. Without one
 * (fixed polling), nothing is pushed and the feed waits for its poll: null.
 */
export async function pushItem(rig: PushRig | null, server: SimFeedServer, feed: PushedFeed, _item: SimItem, _at: Date): Promise<number | null> {
  if (!rig) return null;
  // Subscriptions are verified in the background after the first polls; they are done by now.
  await rig.hub.idle();
  const started = performance.now();
  const deliveries = await rig.hub.publish(server.url(feed.sim), server.documentNow(feed.sim), 'application/rss+xml; charset=utf-8');
  if (deliveries.length === 0) return null;
  return (performance.now() - started) / 1000;
}
