import Sqlite from 'better-sqlite3';
import type { OutboxRow } from '../../src/db/outbox.ts';
import { escapeXml } from '../../src/format.ts';
import type { DeliveryWorker } from '../../src/delivery/worker.ts';
import type { TestApp } from './app.ts';
import { rss, type FeedServer } from './feed-server.ts';
import { waitUntil } from './wait.ts';

/** Delivery settings that retry within a test's patience, not a production operator's. */
export const FAST_DELIVERY = {
  DELIVERY_INTERVAL: '100ms',
  DELIVERY_BACKOFF_BASE: '100ms',
  DELIVERY_SEND_TIMEOUT: '1s',
  DELIVERY_CLAIM_TIMEOUT: '2s',
};

/**
 * A feed on a local server that a test publishes to, newest first, polling after each publication as
 * the scheduler would. Its first poll (in `subscribe`) is backlog; everything published after is new.
 */
export class NewsFeed {
  readonly entries: { title: string; link: string; guid: string; description?: string; pubDate?: string }[] = [];

  /** Feeds on one server need their own `path`; their links differ by it too. */
  constructor(
    private readonly server: FeedServer,
    private readonly name = 'Example News',
    private readonly path = '/feed',
  ) {}

  async subscribe(app: TestApp) {
    this.serve();
    await app.admin.add({ url: this.server.url(this.path), name: this.name });
    return this.poll(app);
  }

  async publish(app: TestApp, title: string | string[], description = '', pubDate?: Date) {
    this.post(title, description, pubDate);
    return this.poll(app);
  }

  /** Puts articles on the feed, newest first, without polling it. `link` replaces the one each would get. */
  post(title: string | string[], description = '', pubDate?: Date, link?: string): void {
    for (const one of [title].flat()) {
      const n = this.entries.length + 1;
      const own = link ?? `https://news.example.com${this.path === '/feed' ? '' : this.path}/${n}`;
      this.entries.unshift({ title: one, link: own, guid: `g${n}`, description, ...(pubDate ? { pubDate: pubDate.toUTCString() } : {}) });
    }
    this.serve();
  }

  /** Publishes one article at a link of the test's choosing (as XML text: escape what needs it), and polls. */
  async publishAt(app: TestApp, link: string, title: string, description = '') {
    this.post(title, description, undefined, link);
    return this.poll(app);
  }

  private serve(): void {
    // The name is the feed's own, as typed; in the document it is XML text.
    this.server.route(this.path, { body: rss(this.entries, escapeXml(this.name)) });
  }

  private async poll(app: TestApp) {
    return app.poller.poll((await app.feeds.find(this.server.url(this.path)))!);
  }
}

/**
 * The (only) outbox row, or the first that `where` (SQL) picks, read as another process would while
 * `ainews run` works on the database.
 */
export function readOutboxRow(db: string, where = 'true'): OutboxRow {
  const connection = new Sqlite(db, { readonly: true, timeout: 5000 });
  try {
    return connection.prepare(`SELECT * FROM outbox WHERE ${where} ORDER BY id`).get() as OutboxRow;
  } finally {
    connection.close();
  }
}

/**
 * The start of a story-update test on a platform: `channel` watches GPT-5 and has been alerted about it
 * from `news`. Calling the function returned retells the story from a second outlet, The Verge, and
 * waits until the update, the newest outbox row, is recorded as sent.
 */
export async function alertedStory(app: TestApp, server: FeedServer, news: NewsFeed, worker: DeliveryWorker, channel: string) {
  const verge = new NewsFeed(server, 'The Verge', '/verge');
  await verge.subscribe(app);
  await app.watches.add(channel, 'gpt-5', 'u1');
  await news.publish(app, 'OpenAI ships GPT-5 to every ChatGPT user', '<p>The new model is out.</p>');
  worker.nudge();
  await waitUntil(async () => (await app.outbox.list())[0]?.status === 'sent', 5000, 'the alert');
  return async () => {
    await verge.publish(app, 'OpenAI ships GPT-5 to all ChatGPT users today');
    worker.nudge();
    await waitUntil(
      async () => {
        const newest = (await app.outbox.list())[0];
        return newest?.kind === 'update' && newest.status === 'sent';
      },
      10_000,
      'the update',
    );
  };
}
