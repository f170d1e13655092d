import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_REGEX_WATCHES_PER_CHANNEL, MAX_WATCHES_PER_CHANNEL, WatchLimitError, WatchStore } from '../../src/db/watches.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { postgresStore, sqliteStore, type Store } from '../helpers/storage-backends.ts';
import { T0 } from '../helpers/port-fixtures.ts';

/** The watch store, the same on each backend. */
function watchStoreSuite(describeOn: (name: string, suite: () => void) => void, open: () => Promise<Store>): void {
  describeOn('watch store', () => {
    let store: Store;
    let watches: WatchStore;
    beforeEach(async () => {
      store = await open();
      watches = new WatchStore(store.sql);
    });
    afterEach(() => store.close());

    it('adds a watch with its channel, and finds the same watch however it is spelled', async () => {
      const mention = { kind: 'user' as const, id: 'U1', label: '@ana' };
      const first = await watches.add('slack:T1/C1', '  OpenAI GPT-5 ', 'U9', T0, mention);
      expect(first).toMatchObject({ created: true, reactivated: null });
      expect(first.watch).toMatchObject({
        channel: 'slack:T1/C1',
        query: 'OpenAI GPT-5',
        canonical: 'openai gpt 5',
        created_by: 'U9',
        created_at: T0.toISOString(),
        min_sources: null,
        mention: JSON.stringify(mention),
      });
      const again = await watches.add('slack:T1/C1', 'openai  gpt 5', null, T0);
      expect(again).toEqual({ watch: first.watch, created: false, reactivated: null });
      const threshold = await watches.add('slack:T1/C1', 'openai min:2', null, T0);
      expect(threshold.watch.min_sources).toBe(2);
      expect(await watches.channels()).toEqual([
        { id: 'slack:T1/C1', platform: 'slack', active: 1, inactive_reason: null, created_at: T0.toISOString(), watches: 2 },
      ]);
    });

    it('deactivates a channel, and a new watch there, or activate, makes it active again', async () => {
      await watches.add('console:team', 'anthropic', null, T0);
      await watches.deactivate('console:team', 'not_in_channel');
      expect(await watches.channel('console:team')).toEqual({ id: 'console:team', active: 0, inactive_reason: 'not_in_channel' });
      const added = await watches.add('console:team', 'mistral', null, T0);
      expect(added.reactivated).toBe('not_in_channel');
      expect(await watches.channel('console:team')).toEqual({ id: 'console:team', active: 1, inactive_reason: null });
      // The same watch again reactivates too: whoever typed it expects the bot to post.
      await watches.deactivate('console:team', 'missing_access');
      expect((await watches.add('console:team', 'mistral', null, T0)).reactivated).toBe('missing_access');
      await watches.deactivate('console:team', 'missing_access');
      expect(await watches.activate('console:team')).toBe(true);
      expect(await watches.activate('console:nowhere')).toBe(false);
      expect((await watches.channel('console:team'))?.active).toBe(1);
      expect(await watches.channel('console:nowhere')).toBeUndefined();
    });

    it('removes a watch by #id, by a bare number that is an id, or by what it watches', async () => {
      const a = (await watches.add('console:team', 'anthropic', null, T0)).watch;
      const number = (await watches.add('console:team', '5090', null, T0)).watch;
      const b = (await watches.add('console:team', 'gpt 5', null, T0)).watch;
      expect(await watches.remove('console:other', `#${a.id}`)).toBeUndefined();
      expect(await watches.remove('console:team', `#${a.id}`)).toEqual(a);
      expect(await watches.remove('console:team', '#99999999999999999999999')).toBeUndefined();
      // 5090 is no watch's id: it is the keyword.
      expect(await watches.remove('console:team', '5090')).toEqual(number);
      expect(await watches.remove('console:team', 'GPT-5')).toEqual(b);
      expect(await watches.remove('console:team', 'gpt 5')).toBeUndefined();
      expect(await watches.list()).toEqual([]);
    });

    it('lists watches by channel then id, and one channel’s alone', async () => {
      const b1 = (await watches.add('console:b', 'one', null, T0)).watch;
      const a1 = (await watches.add('console:a', 'two', null, T0)).watch;
      const b2 = (await watches.add('console:b', 'three', null, T0)).watch;
      expect((await watches.list()).map((watch) => watch.id)).toEqual([a1.id, b1.id, b2.id]);
      expect(await watches.list('console:b')).toEqual([b1, b2]);
      expect(await watches.list('console:none')).toEqual([]);
      expect((await watches.channels()).map((channel) => [channel.id, channel.watches])).toEqual([
        ['console:a', 1],
        ['console:b', 2],
      ]);
    });

    it('refuses a watch past the limits, leaving the channel as it was', async () => {
      for (let i = 0; i < MAX_REGEX_WATCHES_PER_CHANNEL; i++) await watches.add('console:team', `/model-${i}/`, null, T0);
      await expect(watches.add('console:team', '/one-too-many/', null, T0)).rejects.toThrow(WatchLimitError);
      for (let i = MAX_REGEX_WATCHES_PER_CHANNEL; i < MAX_WATCHES_PER_CHANNEL; i++) await watches.add('console:team', `word${i}`, null, T0);
      await watches.deactivate('console:team', 'gone');
      await expect(watches.add('console:team', 'one more', null, T0)).rejects.toThrow(`already has ${MAX_WATCHES_PER_CHANNEL} watches`);
      // Rolled back with the refusal: still inactive.
      expect(await watches.channel('console:team')).toMatchObject({ active: 0, inactive_reason: 'gone' });
      expect(await watches.list('console:team')).toHaveLength(MAX_WATCHES_PER_CHANNEL);
    });

    it('changes its version when a watch is added or removed, never back to an earlier one', async () => {
      expect(await watches.version()).toBe('0:0');
      const a = (await watches.add('console:team', 'anthropic', null, T0)).watch;
      const afterOne = await watches.version();
      expect(afterOne).toBe(`1:${a.id}`);
      await watches.remove('console:team', 'anthropic');
      const b = (await watches.add('console:team', 'mistral', null, T0)).watch;
      expect(b.id).toBeGreaterThan(a.id);
      expect(await watches.version()).toBe(`1:${b.id}`);
      expect(await watches.version()).not.toBe(afterOne);
    });

    it('adds watches from workers at once without going past the limit', async () => {
      const workers = [new WatchStore(store.sql), new WatchStore(store.connect()), new WatchStore(store.connect())];
      for (let i = 0; i < MAX_WATCHES_PER_CHANNEL - 2; i++) await watches.add('console:team', `word${i}`, null, T0);
      const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => workers[i % 3]!.add('console:team', `late${i}`, null, T0)));
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(2);
      expect(await watches.list('console:team')).toHaveLength(MAX_WATCHES_PER_CHANNEL);
    });
  });
}

watchStoreSuite((name, suite) => describe(`${name} (SQLite)`, suite), sqliteStore);
describePostgres('watch store', () => watchStoreSuite((name, suite) => describe(name, suite), postgresStore));
