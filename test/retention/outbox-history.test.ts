import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleSender } from '../../src/platforms/console/console-sender.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { storeItems } from '../helpers/items.ts';

const DAY = 86_400_000;
const later = (days: number) => new Date(Date.now() + days * DAY);

let app: TestApp;
beforeEach(async () => {
  app = await testApp();
});
afterEach(() => app.dispose());

const deliver = () => app.deliveryWorker([new ConsoleSender(() => {})]).drain();
const rows = async () => (await app.outbox.list()).map((row) => `${row.channel} ${row.kind} ${row.status}`).sort();

describe("pruning the outbox's history", () => {
  it('deletes rows finished more than 30 days ago, a digest with the rows it gathered, and keeps the items and what is unsent', async () => {
    // A live alert, a digest that replaced the live alerts of another channel, a Slack alert that stays
    // unsent (only console channels are served here) and one that failed.
    await app.watches.add('console:live', 'GPT-6', 'u1');
    await app.watches.add('console:digest', 'GPT-6', 'u1');
    await app.rhythm.setDigest('console:digest', { every: 'daily', day: null, time: '09:00', only: true });
    await app.watches.add('slack:T1/C1', 'GPT-6', 'u1');
    await app.watches.add('slack:T1/C2', 'GPT-6', 'u1');
    await storeItems(app, [{ title: 'OpenAI ships GPT-6 to every ChatGPT user' }]);
    await app.outbox.failChannel('slack:T1/C2', 'test', 'channel_not_found');
    expect((await app.rhythm.sendDigest('console:digest')).stories).toBe(1);
    await deliver();
    const all = [
      'console:digest alert sent',
      'console:digest digest sent',
      'console:live alert sent',
      'slack:T1/C1 alert pending',
      'slack:T1/C2 alert failed',
    ];
    expect(await rows()).toEqual(all);

    expect(await app.retention.prune({ now: later(29) })).toMatchObject({ outbox_rows: 0, items: 0 });
    expect(await rows()).toEqual(all);

    const dry = await app.retention.prune({ now: later(31), dryRun: true });
    expect(dry).toMatchObject({ outbox_rows: 4, items: 0 });
    expect(await rows()).toEqual(all);

    expect(await app.retention.prune({ now: later(31) })).toMatchObject({ outbox_rows: 4, items: 0, kept_items: 0 });
    expect(await rows()).toEqual(['slack:T1/C1 alert pending']);
    expect(await app.items.count()).toBe(1);
  });

  it('keeps an alert while an update of it is still to be posted', async () => {
    await app.watches.add('console:team', 'GPT-6', 'u1');
    await storeItems(app, [{ title: 'OpenAI ships GPT-6 to every ChatGPT user' }]);
    await deliver();
    // A second outlet's report of the story queues an update, due after STORY_UPDATE_DELAY.
    await storeItems(app, [{ title: 'OpenAI ships GPT-6 to all ChatGPT users' }], { feedUrl: 'https://b.example.com/feed.xml' });
    expect(await rows()).toEqual(['console:team alert sent', 'console:team update pending']);
    expect(await app.retention.prune({ now: later(31) })).toMatchObject({ outbox_rows: 0 });
    expect(await rows()).toEqual(['console:team alert sent', 'console:team update pending']);
  });
});
