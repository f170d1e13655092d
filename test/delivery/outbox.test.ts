import Sqlite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../src/db/outbox.ts';
import { PlatformError, type Alert, type AlertSender } from '../../src/delivery/port.ts';
import { DeliveryWorker } from '../../src/delivery/worker.ts';
import { createLogger } from '../../src/log.ts';
import { ConsoleSender } from '../../src/platforms/console/console-sender.ts';
import { FeedServer, rss } from '../helpers/feed-server.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

let server: FeedServer;
let app: TestApp;

beforeEach(async () => {
  server = await new FeedServer().listen();
  app = testApp();
});
afterEach(async () => {
  app.dispose();
  await server.close();
});

const item = (n: number, title: string) => ({ title, link: `https://news.example.com/${n}`, guid: `g${n}` });

/** A feed polled once (its backlog), then again with `fresh` new items on top. */
async function pollWithFresh(fresh: { title: string; link: string; guid: string }[], backlog = [item(0, 'Old GPT-5 story')]) {
  server.route('/feed', { body: rss(backlog, 'Example News') });
  const { feed } = app.admin.add({ url: server.url('/feed'), name: 'Example News' });
  await app.poller.poll(app.feeds.find(feed.id)!);
  server.route('/feed', { body: rss([...fresh, ...backlog], 'Example News') });
  return app.poller.poll(app.feeds.find(feed.id)!);
}

class RecordingSender implements AlertSender {
  readonly platform = 'console' as const;
  readonly sent: Alert[] = [];
  failures: Error[] = [];
  async send(alert: Alert): Promise<string> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(alert);
    return `msg-${this.sent.length}`;
  }
}

const settings = { intervalMs: 50, maxAttempts: 3, backoffBaseMs: 1, backoffMaxMs: 5 };
const worker = (sender: AlertSender) => new DeliveryWorker({ outbox: app.outbox, items: app.items, log: createLogger('silent'), settings }, [sender]);
const waitFor = async (check: () => boolean, ms = 5000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('the outbox', () => {
  it('queues one alert per channel for a new item, never for backlog, and never twice', async () => {
    app.watches.add('console:team', 'GPT-5', 'u1');
    app.watches.add('console:team', 'openai', 'u1');
    app.watches.add('console:other', 'gpt5', 'u2');
    const outcome = await pollWithFresh([item(1, 'OpenAI ships GPT-5'), item(2, 'Unrelated news')]);
    expect(outcome.alerts).toBe(2);
    const rows = app.outbox.list();
    expect(rows.map((r) => [r.channel, r.title, r.watch_query, r.status]).sort()).toEqual([
      ['console:other', 'OpenAI ships GPT-5', 'gpt5', 'pending'],
      ['console:team', 'OpenAI ships GPT-5', 'GPT-5', 'pending'],
    ]);
    expect(rows.some((r) => r.title === 'Old GPT-5 story')).toBe(false);

    const again = await app.poller.poll(app.feeds.list()[0]!);
    expect(again.alerts).toBe(0);
    expect(app.outbox.list()).toHaveLength(2);
    expect(app.outbox.enqueue({ itemId: rows[0]!.item_id, channel: rows[0]!.channel, watchId: 1, watchQuery: 'x' })).toBe(false);
  });

  it('lets two processes claim disjoint alerts, and a claim is not taken again while it is fresh', async () => {
    app.watches.add('console:team', '*', 'u1');
    await pollWithFresh(Array.from({ length: 10 }, (_, i) => item(i + 1, `Story ${i + 1}`)));
    const otherProcess = new Outbox(new Sqlite(app.config.AINEWS_DB, { timeout: 5000 }));
    const a = app.outbox.claim(['console'], 'a', 6);
    const b = otherProcess.claim(['console'], 'b', 6);
    expect(a).toHaveLength(6);
    expect(b).toHaveLength(4);
    expect(new Set([...a, ...b].map((r) => r.id)).size).toBe(10);
    expect(app.outbox.claim(['console'], 'c', 10)).toEqual([]);
    expect(app.outbox.claim(['console'], 'c', 10, new Date(Date.now() + 6 * 60_000))).toHaveLength(10);
  });
});

describe('DeliveryWorker', () => {
  it('sends each alert once, with what the channel needs to see', async () => {
    app.watches.add('console:team', 'gpt-5 -mini', 'u1');
    await pollWithFresh([{ ...item(1, 'OpenAI ships GPT-5'), description: '<p>The new model is out.</p><p>More later.</p>' } as never]);
    const sender = new RecordingSender();
    expect(await worker(sender).drain()).toBe(1);
    expect(await worker(sender).drain()).toBe(0);
    expect(sender.sent).toEqual([
      expect.objectContaining({ channel: 'console:team', title: 'OpenAI ships GPT-5', url: 'https://news.example.com/1', source: 'Example News', watch: 'gpt-5 -mini', summary: 'The new model is out.' }),
    ]);
    expect(app.outbox.list()[0]).toMatchObject({ status: 'sent', attempts: 1, platform_message_id: 'msg-1', last_error: null });
  });

  it('retries a transient failure, and stops at a permanent one, recording the error', async () => {
    app.watches.add('console:team', '*', 'u1');
    await pollWithFresh([item(1, 'First'), item(2, 'Second')]);
    const sender = new RecordingSender();
    sender.failures = [new PlatformError('503 from the platform'), new PlatformError('channel_not_found', { permanent: true })];
    await worker(sender).drain();
    const byTitle = Object.fromEntries(app.outbox.list().map((r) => [r.title, r]));
    expect(byTitle.First).toMatchObject({ status: 'retrying', attempts: 1, last_error: '503 from the platform' });
    expect(byTitle.Second).toMatchObject({ status: 'failed', attempts: 1, last_error: 'channel_not_found' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await worker(sender).drain();
    expect(app.outbox.list().find((r) => r.title === 'First')).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
  });

  it('gives up after the maximum number of attempts', async () => {
    app.watches.add('console:team', '*', 'u1');
    await pollWithFresh([item(1, 'Doomed')]);
    const sender = new RecordingSender();
    sender.failures = [new Error('boom 1'), new Error('boom 2'), new Error('boom 3'), new Error('boom 4')];
    for (let i = 0; i < 4; i++) {
      await worker(sender).drain();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(app.outbox.list()[0]).toMatchObject({ status: 'failed', attempts: 3, last_error: 'boom 3' });
  });

  it('delivers alerts another process queued, while it runs', async () => {
    app.watches.add('console:team', '*', 'u1');
    const sender = new RecordingSender();
    const running = worker(sender);
    running.start();
    try {
      await pollWithFresh([item(1, 'Queued elsewhere')]);
      await waitFor(() => sender.sent.length === 1);
      expect(sender.sent[0]!.title).toBe('Queued elsewhere');
    } finally {
      await running.stop();
    }
  });

  it('prints console alerts as one block each', async () => {
    const printed: string[] = [];
    const id = await new ConsoleSender((text) => printed.push(text)).send({
      channel: 'console:team', itemId: 1, title: 'OpenAI ships GPT-5', url: 'https://x.example/1', source: 'Example News',
      publishedAt: '2025-08-02T08:30:00.000Z', lang: 'en', summary: 'The new model is out.', watch: 'gpt-5', alsoCoveredBy: ['量子位'],
    });
    expect(id).toMatch(/^console-/);
    expect(printed[0]).toBe(
      ['┌ console:team · watch "gpt-5"', '│ OpenAI ships GPT-5', '│ Example News · 2025-08-02 08:30Z', '│ The new model is out.', '│ also covered by 量子位', '└ https://x.example/1'].join('\n'),
    );
  });
});
