import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChannelSettingsStore } from '../../src/db/channel-settings.ts';
import { WatchStore } from '../../src/db/watches.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { postgresStore, sqliteStore, type Store } from '../helpers/storage-backends.ts';
import { T0 } from '../helpers/port-fixtures.ts';

const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

/** Channel settings, the same on each backend. */
function channelSettingsSuite(describeOn: (name: string, suite: () => void) => void, open: () => Promise<Store>): void {
  describeOn('channel settings', () => {
    let store: Store;
    let settings: ChannelSettingsStore;
    beforeEach(async () => {
      store = await open();
      settings = new ChannelSettingsStore(store.sql, 'Europe/Paris');
    });
    afterEach(() => store.close());

    it('gives a channel with no row the defaults, and creates the row when anything is set', async () => {
      const defaults = {
        channel: 'discord:42',
        timezone: 'Europe/Paris',
        digest: null,
        quiet: null,
        limitPerHour: null,
        minSources: null,
        language: null,
        nextDigestAt: null,
        lastDigestAt: null,
      };
      expect(await settings.get('discord:42')).toEqual(defaults);
      expect(await settings.ownZone('discord:42')).toBeNull();
      await settings.setLimit('discord:42', 5, T0);
      expect(await settings.get('discord:42')).toEqual({ ...defaults, limitPerHour: 5 });
      expect(await store.sql.get('SELECT platform, active, created_at FROM channels WHERE id = ?', ['discord:42'])).toEqual({
        platform: 'discord',
        active: 1,
        created_at: T0.toISOString(),
      });
      expect(await settings.ownZone('discord:42')).toBeNull();
    });

    it('keeps each setting, and clears it with null', async () => {
      const channel = 'slack:T1/C1';
      await settings.setTimezone(channel, 'Asia/Shanghai', T0);
      await settings.setQuiet(channel, { from: '22:00', to: '07:00' }, T0);
      await settings.setMinSources(channel, 3, T0);
      await settings.setLanguage(channel, 'zh', T0);
      await settings.setDigest(channel, { every: 'weekly', day: 1, time: '09:00', only: true }, at(60), T0);
      expect(await settings.ownZone(channel)).toBe('Asia/Shanghai');
      expect(await settings.get(channel)).toEqual({
        channel,
        timezone: 'Asia/Shanghai',
        digest: { every: 'weekly', day: 1, time: '09:00', only: true },
        quiet: { from: '22:00', to: '07:00' },
        limitPerHour: null,
        minSources: 3,
        language: 'zh',
        nextDigestAt: at(60).toISOString(),
        lastDigestAt: null,
      });
      await settings.setDigest(channel, { every: 'daily', day: null, time: '18:30', only: false }, at(30));
      expect((await settings.get(channel)).digest).toEqual({ every: 'daily', day: null, time: '18:30', only: false });
      await settings.setTimezone(channel, null);
      await settings.setQuiet(channel, null);
      await settings.setMinSources(channel, null);
      await settings.setLanguage(channel, null);
      await settings.setDigest(channel, null, null);
      expect(await settings.get(channel)).toMatchObject({ timezone: 'Europe/Paris', digest: null, quiet: null, minSources: null, language: null, nextDigestAt: null });
      expect(await settings.ownZone(channel)).toBeNull();
    });

    it('moves a digest on, recording when one was queued and keeping it when none was', async () => {
      await settings.setDigest('console:team', { every: 'daily', day: null, time: '09:00', only: false }, at(0), T0);
      await settings.scheduleDigest('console:team', at(1440), at(1));
      expect(await settings.get('console:team')).toMatchObject({ nextDigestAt: at(1440).toISOString(), lastDigestAt: at(1).toISOString() });
      await settings.scheduleDigest('console:team', at(1500));
      expect(await settings.get('console:team')).toMatchObject({ nextDigestAt: at(1500).toISOString(), lastDigestAt: at(1).toISOString() });
    });

    it('lists the digests due, the longest due first, leaving out inactive channels', async () => {
      const daily = { every: 'daily' as const, day: null, time: '09:00', only: false };
      await settings.setDigest('console:later', daily, at(10), T0);
      await settings.setDigest('console:first', daily, at(-30), T0);
      await settings.setDigest('console:now', daily, at(0), T0);
      await settings.setDigest('console:inactive', daily, at(-60), T0);
      await settings.setDigest('console:none', null, null, T0);
      await new WatchStore(store.sql).deactivate('console:inactive', 'not_in_channel');
      expect((await settings.dueDigests(at(0))).map((due) => due.channel)).toEqual(['console:first', 'console:now']);
      expect((await settings.dueDigests(at(10))).map((due) => due.channel)).toEqual(['console:first', 'console:now', 'console:later']);
      expect(await settings.dueDigests(at(-31))).toEqual([]);
    });
  });
}

channelSettingsSuite((name, suite) => describe(`${name} (SQLite)`, suite), sqliteStore);
describePostgres('channel settings', () => channelSettingsSuite((name, suite) => describe(name, suite), postgresStore));
