import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MetricsReads } from '../../src/db/metrics-reads.ts';
import type { OutboxRow } from '../../src/db/outbox.ts';
import type { DeliveryOutcome } from '../../src/delivery/worker.ts';
import { deliveryLabel, Metrics } from '../../src/ops/metrics.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { storeItems } from '../helpers/items.ts';
import { Scrape } from '../helpers/scrape.ts';

let app: TestApp;
beforeEach(async () => {
  app = await testApp();
});
afterEach(async () => {
  if (app.db.open) await app.dispose();
});

const scrape = async (metrics = app.metrics) => Scrape.parse((await metrics.exposition()).text);

/** One alert queued for an item published `hoursAgo`, as the router would queue it. */
async function queuedAlert(hoursAgo: number): Promise<OutboxRow> {
  const { watch } = await app.watches.add('console:team', '*', 'u1');
  const published = new Date(Date.now() - hoursAgo * 3_600_000);
  const [item] = (await storeItems(app, [{ title: `Item from ${hoursAgo} h ago`, date: published.toUTCString() }], { process: false })).created;
  await app.outbox.enqueue({ itemId: item!.id, channel: 'console:team', watchId: watch.id, watchQuery: '*' });
  return (await app.outbox.list())[0]! as OutboxRow;
}

describe('deliveryLabel', () => {
  it('names every way a delivery ends in one of a few words, never a reason', () => {
    const cases: [DeliveryOutcome, string][] = [
      [{ kind: 'sent', found: false }, 'sent'],
      [{ kind: 'sent', found: true }, 'sent'],
      [{ kind: 'retrying', at: new Date() }, 'retrying'],
      [{ kind: 'paused', until: new Date() }, 'retrying'],
      [{ kind: 'gone', reason: 'channel_not_found' }, 'channel_gone'],
      [{ kind: 'failed', why: 'refused' }, 'failed'],
      [{ kind: 'failed', why: 'out-of-attempts' }, 'failed'],
      [{ kind: 'failed', why: 'unsendable' }, 'failed'],
      [{ kind: 'failed', why: 'skipped' }, 'skipped'],
      [{ kind: 'failed', why: 'claim-lost' }, 'claim_lost'],
    ];
    for (const [outcome, label] of cases) expect(deliveryLabel(outcome)).toBe(label);
  });
});

describe('Metrics', () => {
  it('measures an alert sent on its own from its publication, and nothing else', async () => {
    const alert = await queuedAlert(5);
    await app.metrics.delivered(alert, { kind: 'retrying', at: new Date() });
    await app.metrics.delivered({ ...alert, kind: 'update' } as OutboxRow, { kind: 'sent', found: false });
    await app.metrics.delivered(alert, { kind: 'sent', found: false });
    const after = await scrape();
    expect(after.value('ainews_deliveries_total', { platform: 'console', outcome: 'retrying' })).toBe(1);
    expect(after.value('ainews_deliveries_total', { platform: 'console', outcome: 'sent' })).toBe(2);
    expect(after.count('ainews_alert_delay_seconds')).toBe(1);
    expect(after.bucket('ainews_alert_delay_seconds', '14400')).toBe(0);
    expect(after.bucket('ainews_alert_delay_seconds', '43200')).toBe(1);
  });

  it('counts no poll that was cancelled, and items stored from backlog and fresh alike', async () => {
    const { feed } = await app.feeds.add({ url: 'https://feeds.example.com/a.xml', intervalSeconds: 900 });
    app.metrics.polled({ feed, result: 'cancelled', fresh: [], backlog: 0 }, 0.1);
    app.metrics.polled({ feed, result: 'updated', fresh: [], backlog: 4 }, 0.2);
    const after = await scrape();
    expect(after.value('ainews_feed_polls_total', { outcome: 'ok' })).toBe(1);
    expect(after.count('ainews_feed_poll_duration_seconds')).toBe(1);
    expect(after.value('ainews_items_stored_total')).toBe(4);
  });

  it('leaves the samples of a gauge it cannot read out of the scrape, serves the rest, and says why in the log', async () => {
    const records: Record<string, unknown>[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void records.push(JSON.parse(line) as Record<string, unknown>) });
    const metrics = new Metrics({ reads: new MetricsReads(app.sql), log });
    expect((await scrape(metrics)).value('ainews_outbox', { status: 'pending' })).toBe(0);
    await app.dispose();
    const after = await scrape(metrics);
    // Declared, with no sample: an alert on the series being absent fires.
    expect(after.family('ainews_feeds').metrics).toEqual([]);
    expect(after.family('ainews_outbox').metrics).toEqual([]);
    expect(after.value('ainews_feed_polls_total', { outcome: 'ok' })).toBe(0);
    expect(records).toEqual([
      expect.objectContaining({ metric: 'ainews_feeds', msg: expect.stringContaining('left out of this scrape') }),
      expect.objectContaining({ metric: 'ainews_outbox' }),
    ]);
  });
});
