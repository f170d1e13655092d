import Sqlite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../src/db/outbox.ts';
import { SqliteSql } from '../../src/db/sql.ts';
import { PlatformError, type Alert, type AlertSender } from '../../src/delivery/port.ts';
import { DeliveryWorker } from '../../src/delivery/worker.ts';
import { createLogger } from '../../src/log.ts';
import { ConsoleSender } from '../../src/platforms/console/console-sender.ts';
import { FeedServer } from '../helpers/feed-server.ts';
import { item, pollWithFresh } from '../helpers/poll-fresh.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { waitUntil } from '../helpers/wait.ts';

let server: FeedServer;
let app: TestApp;

beforeEach(async () => {
  server = await new FeedServer().listen();
  app = await testApp();
});
afterEach(async () => {
  await app.dispose();
  await server.close();
});

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

const settings = { intervalMs: 50, maxAttempts: 3, backoffBaseMs: 1, backoffMaxMs: 5, summaryWaitMs: 0, sendTimeoutMs: 1, claimTimeoutMs: 60_000, concurrency: 10 };
const worker = (sender: AlertSender) =>
  new DeliveryWorker({ outbox: app.outbox, items: app.items, stories: app.stories, channels: app.watches, log: createLogger('silent'), settings }, [sender]);
const waitFor = (check: () => boolean) => waitUntil(check);

describe('the outbox', () => {
  it('queues one alert per channel for a new item, never for backlog, and never twice', async () => {
    await app.watches.add('console:team', 'GPT-5', 'u1');
    await app.watches.add('console:team', 'openai', 'u1');
    await app.watches.add('console:other', 'gpt5', 'u2');
    const outcome = await pollWithFresh(app, server, [item(1, 'OpenAI ships GPT-5'), item(2, 'Unrelated news')]);
    expect(outcome.alerts).toBe(2);
    const rows = await app.outbox.list();
    expect(rows.map((r) => [r.channel, r.title, r.watch_query, r.status]).sort()).toEqual([
      ['console:other', 'OpenAI ships GPT-5', 'gpt5', 'pending'],
      ['console:team', 'OpenAI ships GPT-5', 'GPT-5', 'pending'],
    ]);
    expect(rows.some((r) => r.title === 'Old GPT-5 story')).toBe(false);

    const again = await app.poller.poll((await app.feeds.list())[0]!);
    expect(again.alerts).toBe(0);
    expect(await app.outbox.list()).toHaveLength(2);
    expect(await app.outbox.enqueue({ itemId: rows[0]!.item_id!, channel: rows[0]!.channel, watchId: 1, watchQuery: 'x' })).toBe(false);
  });

  it('does not give out a fresh claim again, but takes back one abandoned by a dead process', async () => {
    await app.watches.add('console:team', '*', 'u1');
    await pollWithFresh(app, server, [item(1, 'Only story')]);
    const otherProcess = new Outbox(SqliteSql.open(new Sqlite(app.config.AINEWS_DB, { timeout: 5000 })));
    const claiming = { claimTimeoutMs: app.config.DELIVERY_CLAIM_TIMEOUT, summaryWaitMs: 0 };
    expect(await app.outbox.claim(['console'], 'a', 10, new Date(), claiming)).toHaveLength(1);
    expect(await otherProcess.claim(['console'], 'b', 10, new Date(), claiming)).toEqual([]);
    const [taken] = await otherProcess.claim(['console'], 'b', 10, new Date(Date.now() + 6 * 60_000), claiming);
    expect(taken).toMatchObject({ claimed_by: 'b', attempts: 2 });
    // The first worker wakes up late: its outcome no longer counts.
    expect(await app.outbox.markSent(taken!.id, 'a', 'late')).toBe(false);
    expect(await otherProcess.markSent(taken!.id, 'b', 'm-1')).toBe(true);
    expect((await app.outbox.list())[0]).toMatchObject({ status: 'sent', platform_message_id: 'm-1' });
  });

  it('recompiles the watches after one is removed and another added, even when ids would repeat', async () => {
    await app.watches.add('console:team', 'alpha', 'u1');
    const removed = (await app.watches.add('console:team', 'anthropic', 'u1')).watch;
    expect((await app.router.matcher()).match({ title: 'Anthropic news', body: '', sources: [] })).toHaveLength(1);
    await app.watches.remove('console:team', String(removed.id));
    const added = (await app.watches.add('console:team', 'claude', 'u1')).watch;
    expect(added.id).not.toBe(removed.id);
    expect((await app.router.matcher()).match({ title: 'Anthropic news', body: '', sources: [] })).toEqual([]);
    expect((await app.router.matcher()).match({ title: 'Claude 5 released', body: '', sources: [] })).toHaveLength(1);
  });

  it('queues nothing for an inactive channel, until a watch there makes it active again', async () => {
    await app.watches.add('console:gone', 'gpt-5', 'u1');
    app.db.prepare("UPDATE channels SET active = 0, inactive_reason = 'channel_not_found' WHERE id = 'console:gone'").run();
    const outcome = await pollWithFresh(app, server, [item(1, 'GPT-5 ships')]);
    expect(outcome.alerts).toBe(0);
    expect(await app.outbox.list()).toEqual([]);
    const again = await app.watches.add('console:gone', 'gpt 5', 'u1');
    expect(again).toMatchObject({ created: false, reactivated: 'channel_not_found' });
    expect(await app.watches.channel('console:gone')).toMatchObject({ active: 1, inactive_reason: null });
  });
});

describe('DeliveryWorker', () => {
  it('sends each alert once, with what the channel needs to see', async () => {
    await app.watches.add('console:team', 'gpt-5 -mini', 'u1');
    await pollWithFresh(app, server, [{ ...item(1, 'OpenAI ships GPT-5'), description: '<p>The new model is out.</p><p>More later.</p>' }]);
    const sender = new RecordingSender();
    expect(await worker(sender).drain()).toBe(1);
    expect(await worker(sender).drain()).toBe(0);
    expect(sender.sent).toEqual([
      expect.objectContaining({ channel: 'console:team', title: 'OpenAI ships GPT-5', url: 'https://news.example.com/1', source: 'Example News', watch: 'gpt-5 -mini', summary: 'The new model is out.' }),
    ]);
    expect((await app.outbox.list())[0]).toMatchObject({ status: 'sent', attempts: 1, platform_message_id: 'msg-1', last_error: null });
  });

  it('summarizes an item once when it is stored, and sends that summary to every channel', async () => {
    await app.watches.add('console:a', 'gpt-5', 'u1');
    await app.watches.add('console:b', 'gpt-5', 'u1');
    const body = '<p>IT之家 8 月 2 日消息，OpenAI 今日发布 GPT-5 模型。</p><p>新模型推理能力大幅提升。</p><p>感谢IT之家网友 小星 的线索投递！</p>';
    await pollWithFresh(app, server, [{ ...item(1, 'OpenAI 发布 GPT-5'), description: body }]);
    const stored = (await app.items.recent(10)).find((i) => i.title === 'OpenAI 发布 GPT-5')!;
    expect(stored).toMatchObject({ summarizer: 'builtin', summary: 'OpenAI 今日发布 GPT-5 模型。' });
    // Alerts read the stored summary: a summary changed after storing is what every channel gets.
    await app.items.setSummary(stored.id, 'stored once', 'builtin');
    const sender = new RecordingSender();
    await worker(sender).drain();
    expect(sender.sent.map((a) => [a.channel, a.summary]).sort()).toEqual([['console:a', 'stored once'], ['console:b', 'stored once']]);
  });

  it('retries a transient failure with the channel held behind it, and stops at a permanent one, recording the error', async () => {
    await app.watches.add('console:team', '*', 'u1');
    await pollWithFresh(app, server, [item(1, 'First'), item(2, 'Second')]);
    const sender = new RecordingSender();
    sender.failures = [new PlatformError('503 from the platform', { kind: 'transient' }), new PlatformError('msg_too_long', { kind: 'refused' })];
    await worker(sender).drain();
    const byTitle = async () => Object.fromEntries((await app.outbox.list()).map((r) => [r.title, r]));
    // Second waits behind First: a channel's alerts never overtake one another.
    expect((await byTitle()).First).toMatchObject({ status: 'retrying', attempts: 1, last_error: '503 from the platform' });
    expect((await byTitle()).Second).toMatchObject({ status: 'pending', attempts: 0 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await worker(sender).drain();
    expect((await byTitle()).First).toMatchObject({ status: 'failed', attempts: 2, last_error: 'msg_too_long' });
    expect((await byTitle()).Second).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
  });

  it('gives up after the maximum number of attempts', async () => {
    await app.watches.add('console:team', '*', 'u1');
    await pollWithFresh(app, server, [item(1, 'Doomed')]);
    const sender = new RecordingSender();
    sender.failures = [new Error('boom 1'), new Error('boom 2'), new Error('boom 3'), new Error('boom 4')];
    for (let i = 0; i < 4; i++) {
      await worker(sender).drain();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await app.outbox.list())[0]).toMatchObject({ status: 'failed', attempts: 3, last_error: 'boom 3' });
  });

  it('delivers alerts another process queued, while it runs', async () => {
    await app.watches.add('console:team', '*', 'u1');
    await pollWithFresh(app, server, []);
    const sender = new RecordingSender();
    const running = worker(sender);
    running.start();
    try {
      // Another process (its own connection) stores an item and queues its alert.
      const other = new Sqlite(app.config.AINEWS_DB, { timeout: 5000 });
      const id = Number(
        other
          .prepare(
            `INSERT INTO items (dedupe_key, url, title, lang, published_at, published_at_source, first_seen_at, updated_at)
             VALUES ('x.example/1', 'https://x.example/1', 'Queued elsewhere', 'en', @now, 'feed', @now, @now) RETURNING id`,
          )
          .pluck()
          .get({ now: new Date().toISOString() }),
      );
      expect(await new Outbox(SqliteSql.open(other)).enqueue({ itemId: id, channel: 'console:team', watchId: 1, watchQuery: '*' })).toBe(true);
      other.close();
      await waitFor(() => sender.sent.length === 1);
      expect(sender.sent[0]!.title).toBe('Queued elsewhere');
    } finally {
      await running.stop();
    }
  });

  it('once stopped, starts nothing new and gives back what it had claimed but not sent', async () => {
    await app.watches.add('console:team', '*', 'u1');
    await pollWithFresh(app, server, [item(1, 'First'), item(2, 'Second')]);
    let release!: () => void;
    const slow: AlertSender = { platform: 'console', send: () => new Promise<string>((resolve) => (release = () => resolve('m'))) };
    const running = worker(slow);
    running.start();
    await waitFor(() => release !== undefined);
    const stopping = running.stop();
    release();
    await stopping;
    running.nudge();
    const byTitle = Object.fromEntries((await app.outbox.list()).map((r) => [r.title, r]));
    expect(byTitle.First).toMatchObject({ status: 'sent' });
    expect(byTitle.Second).toMatchObject({ status: 'pending', attempts: 0, claimed_by: null });
  });

  it('prints console alerts as one block each', async () => {
    const printed: string[] = [];
    const id = await new ConsoleSender((text) => printed.push(text)).send({
      deliveryId: 1, channel: 'console:team', itemId: 1, title: 'OpenAI ships GPT-5', url: 'https://x.example/1', source: 'Example News',
      publishedAt: '2025-08-02T08:30:00.000Z', lang: 'en', summary: 'The new model is out.', watch: 'gpt-5', alsoCoveredBy: ['量子位'], mention: null,
    });
    expect(id).toMatch(/^console-/);
    expect(printed[0]).toBe(
      ['┌ console:team · watch "gpt-5"', '│ OpenAI ships GPT-5', '│ Example News · 2025-08-02 08:30Z', '│ The new model is out.', '│ also covered by 量子位', '└ https://x.example/1'].join('\n'),
    );
  });
});
