import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TranslationStore } from '../../src/db/translations.ts';
import { OutboxRows } from '../helpers/outbox-rows.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { postgresStore, sqliteStore, type Store } from '../helpers/storage-backends.ts';
import { T0, at } from '../helpers/port-fixtures.ts';

const SOURCE = { title: 'A title', summary: 'A summary.' };

/** Translations, the same on each backend. */
function translationsSuite(describeOn: (name: string, suite: () => void) => void, open: () => Promise<Store>): void {
  describeOn('translations', () => {
    let store: Store;
    let rows: OutboxRows;
    let translations: TranslationStore;
    beforeEach(async () => {
      store = await open();
      rows = new OutboxRows(store.sql, T0);
      translations = new TranslationStore(store.sql);
      await rows.channel('console:zh', 'zh');
      await rows.channel('console:en', 'en');
      await rows.channel('console:any');
    });
    afterEach(() => store.close());

    const wantedIds = async (now = at(10)) => (await translations.wanted(10, now)).map((wanted) => `${wanted.item_id}:${wanted.language}`).sort();

    it('wants the items that waiting alerts, folds and digests show in another language than their channel’s', async () => {
      const alerted = await rows.item();
      await rows.alert('console:zh', { item: alerted });
      await rows.alert('console:en', { item: await rows.item() });
      await rows.alert('console:any', { item: await rows.item() });
      const pending = await rows.item({ summaryPending: true });
      await rows.alert('console:zh', { item: pending });
      const [folded1, folded2] = [await rows.item({ lang: 'zh' }), await rows.item()];
      await rows.fold('console:en', [folded1, folded2]);
      expect(await translations.wanted(10, at(10))).toContainEqual({ item_id: alerted, language: 'zh', title: 'A title', summary: 'A summary.' });
      expect(await wantedIds()).toEqual([`${alerted}:zh`, `${folded1}:en`].sort());
      expect(await translations.wanted(1, at(10))).toHaveLength(1);
    });

    it('leaves out rows already sent, or whose first attempt went out untranslated', async () => {
      const [sent, untranslated, translated] = [await rows.item(), await rows.item(), await rows.item()];
      await store.sql.run("UPDATE outbox SET status = 'sent' WHERE id = ?", [await rows.alert('console:zh', { item: sent })]);
      await store.sql.run('UPDATE outbox SET translated = ? WHERE id = ?', [0, await rows.alert('console:zh', { item: untranslated })]);
      await store.sql.run('UPDATE outbox SET translated = ? WHERE id = ?', [1, await rows.alert('console:zh', { item: translated })]);
      expect(await wantedIds()).toEqual([`${translated}:zh`]);
    });

    it('lets one process take a translation at a time, until its mark is stale', async () => {
      const item = await rows.item();
      await rows.alert('console:zh', { item });
      expect(await translations.take(item, 'zh', at(1), at(-60))).toBe(true);
      expect(await translations.find(item, 'zh')).toMatchObject({ status: 'pending', updated_at: at(1).toISOString(), title: null });
      // Someone is making it: not wanted, and not to be taken, while the mark is newer than staleBefore.
      expect(await translations.take(item, 'zh', at(2), at(0))).toBe(false);
      expect(await wantedIds(at(0))).toEqual([]);
      expect(await wantedIds(at(1))).toEqual([`${item}:zh`]);
      expect(await translations.take(item, 'zh', at(70), at(10))).toBe(true);
      expect((await translations.find(item, 'zh'))?.updated_at).toBe(at(70).toISOString());
      await translations.release(item, 'zh');
      expect(await translations.find(item, 'zh')).toBeUndefined();
    });

    it('records a translation made, and a failure that keeps it but settles only rows queued before it', async () => {
      const item = await rows.item();
      await rows.alert('console:zh', { item, queuedAt: at(0) });
      await translations.take(item, 'zh', at(1), at(-60));
      await translations.done(item, 'zh', SOURCE, { title: '标题', summary: '摘要。' }, 'model-x', at(2));
      expect(await translations.find(item, 'zh')).toEqual({
        item_id: item,
        language: 'zh',
        status: 'done',
        title: '标题',
        summary: '摘要。',
        source_title: 'A title',
        source_summary: 'A summary.',
        model: 'model-x',
        failure: null,
        error: null,
        updated_at: at(2).toISOString(),
      });
      expect(await wantedIds()).toEqual([]);
      // Taken again (the item changed) and failed: the old texts stay, no longer shown.
      expect(await translations.take(item, 'zh', at(3), at(-60))).toBe(true);
      await translations.failed(item, 'zh', SOURCE, 'budget', 'daily budget spent', at(4));
      expect(await translations.find(item, 'zh')).toMatchObject({ status: 'failed', title: '标题', summary: '摘要。', model: null, failure: 'budget', error: 'daily budget spent' });
      expect(await wantedIds()).toEqual([]);
      // A row queued after the failure asks again.
      await store.sql.run("UPDATE outbox SET created_at = ? WHERE item_id = ? AND channel = 'console:zh'", [at(5).toISOString(), item]);
      expect(await wantedIds()).toEqual([`${item}:zh`]);
    });

    it('wants a translation again once the item’s texts are no longer those translated', async () => {
      const item = await rows.item();
      await rows.alert('console:zh', { item });
      await translations.take(item, 'zh', at(1), at(-60));
      await translations.done(item, 'zh', SOURCE, { title: '标题', summary: '摘要。' }, 'model-x', at(2));
      expect(await translations.titles([item], 'zh')).toEqual(new Map([[item, '标题']]));
      await store.sql.run("UPDATE items SET summary = 'A better summary.' WHERE id = ?", [item]);
      expect(await wantedIds()).toEqual([`${item}:zh`]);
      // The title still stands for the item's: it is still shown in lists.
      expect(await translations.titles([item], 'zh')).toEqual(new Map([[item, '标题']]));
      await store.sql.run("UPDATE items SET title = 'A new title' WHERE id = ?", [item]);
      expect(await translations.titles([item], 'zh')).toEqual(new Map());
    });

    it('gives the translated titles of the items asked for, made in that language', async () => {
      const [a, b, c] = [await rows.item(), await rows.item(), await rows.item()];
      for (const item of [a, b]) {
        await translations.take(item, 'zh', at(1), at(-60));
        await translations.done(item, 'zh', SOURCE, { title: `标题 ${item}`, summary: '摘要。' }, 'model-x', at(2));
      }
      await translations.take(c, 'zh', at(1), at(-60));
      expect(await translations.titles([a, c], 'zh')).toEqual(new Map([[a, `标题 ${a}`]]));
      expect(await translations.titles([a, b], 'en')).toEqual(new Map());
      expect(await translations.titles([], 'zh')).toEqual(new Map());
    });
  });
}

translationsSuite((name, suite) => describe(`${name} (SQLite)`, suite), sqliteStore);
describePostgres('translations', () => translationsSuite((name, suite) => describe(name, suite), postgresStore));
