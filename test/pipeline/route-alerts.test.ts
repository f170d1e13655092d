import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app.ts';
import { storeItems } from '../helpers/items.ts';

let app: TestApp;
beforeEach(async () => {
  app = await testApp();
});
afterEach(() => app.dispose());

const TEAM = 'console:team';
const item = async (title: string, options: { backlog?: boolean; feedUrl?: string; feedName?: string } = {}) => {
  const [created] = (await storeItems(app, [{ title, body: `<p>${title}, in a few words.</p>` }], options)).created;
  return (await app.items.find(created!.id))!;
};

describe('AlertRouter', () => {
  it('queues no alert for backlog, even when it is asked to route it', async () => {
    await app.watches.add(TEAM, 'gpt-5', 'U1');
    const old = await item('GPT-5 backlog story', { backlog: true });
    expect(await app.router.route([old], ['Test Feed'])).toBe(0);
    expect(await app.outbox.find(old.id, TEAM)).toBeUndefined();
    expect(await app.router.explain(old, TEAM)).toEqual({ kind: 'backlog', feed: 'Test Feed' });
  });

  it('explains an item that was queued from the row it has in the channel', async () => {
    await app.watches.add(TEAM, 'gpt-5', 'U1');
    const launched = await item('GPT-5 launches');
    expect(await app.router.explain(launched, TEAM)).toMatchObject({ kind: 'alert', delivery: { item_id: launched.id, channel: TEAM, watch_query: 'gpt-5', status: 'pending' } });
  });

  it('explains an item of a story the channel was alerted about by that alert', async () => {
    await app.watches.add(TEAM, 'gpt-5', 'U1');
    const lead = await item('OpenAI launches GPT-5 for every ChatGPT user', { feedUrl: 'https://a.example/feed', feedName: 'A' });
    // The alert has not been tried: the second report is named when it goes out, and has no row of its own.
    const second = await item('OpenAI launches GPT-5 for every ChatGPT user today', { feedUrl: 'https://b.example/feed', feedName: 'B' });
    expect(second.story_id).toBe(lead.id);
    expect(await app.outbox.find(second.id, TEAM)).toBeUndefined();
    expect(await app.router.explain(second, TEAM)).toMatchObject({ kind: 'story-alerted', alert: { item_id: lead.id, story_id: lead.id } });
  });

  it('says why nothing was queued: an inactive channel, no watches, a watch added later, or what each watch made of it', async () => {
    await app.watches.add(TEAM, 'claude', 'U1');
    await app.watches.add(TEAM, 'gpt-5 -mini', 'U1');
    const mini = await item('GPT-5 mini launches');
    expect(await app.router.explain(mini, TEAM)).toEqual({
      kind: 'no-match',
      watches: [
        { watch: expect.objectContaining({ query: 'claude' }), verdict: { kind: 'missing', terms: ['claude'], titleOnly: false } },
        { watch: expect.objectContaining({ query: 'gpt-5 -mini' }), verdict: { kind: 'excluded', terms: ['mini'] } },
      ],
    });
    expect(await app.router.explain(mini, 'console:nobody')).toEqual({ kind: 'no-watches' });

    const later = 'console:later';
    app.db.prepare('UPDATE items SET first_seen_at = ? WHERE id = ?').run('2000-01-01T00:00:00.000Z', mini.id);
    await app.watches.add(later, 'gpt-5', 'U1');
    expect(await app.router.explain((await app.items.find(mini.id))!, later)).toMatchObject({ kind: 'watch-added-later', watch: { channel: later, query: 'gpt-5' } });

    await app.watches.deactivate(TEAM, 'is_archived');
    expect(await app.router.explain(mini, TEAM)).toEqual({ kind: 'channel-inactive', reason: 'is_archived' });
  });

  it('says when a watch matches an item routed while its channel was inactive', async () => {
    await app.watches.add(TEAM, 'gpt-5', 'U1');
    await app.watches.deactivate(TEAM, 'not_in_channel');
    const launched = await item('GPT-5 launches');
    expect(await app.outbox.find(launched.id, TEAM)).toBeUndefined();
    await app.watches.activate(TEAM);
    expect(await app.router.explain(launched, TEAM)).toMatchObject({ kind: 'matched-not-queued', watch: { query: 'gpt-5' } });
  });
});
