import type { Sql } from './sql.ts';

/** A language a channel may ask its alerts in (channels.language). */
export type ChannelLanguage = 'en' | 'zh';

/** An item's translation into one language (`item_translations`, migration 013). */
export interface TranslationRow {
  item_id: number;
  language: ChannelLanguage;
  status: 'pending' | 'done' | 'failed';
  title: string | null;
  summary: string | null;
  source_title: string | null;
  source_summary: string | null;
  model: string | null;
  failure: 'budget' | 'llm' | null;
  error: string | null;
  updated_at: string;
}

/** An item a waiting outbox row wants translated, with the texts to translate. */
export interface WantedTranslation {
  item_id: number;
  language: ChannelLanguage;
  title: string;
  summary: string;
}

/**
 * SQL: whether item `i`'s translation into `language` is settled for an outbox row queued at `queued`:
 * made, of the item's texts as they are now, or failed since the row was queued.
 */
export function settledTranslation(language: string, queued: string): string {
  return `EXISTS (SELECT 1 FROM item_translations t
    WHERE t.item_id = i.id AND t.language = ${language} AND t.source_title = i.title AND t.source_summary = coalesce(i.summary, '')
      AND (t.status = 'done' OR (t.status = 'failed' AND t.updated_at >= ${queued})))`;
}

/**
 * SQL: whether outbox row `row` (an alert, a fold or a digest) shows an item still to be translated into
 * its channel's language: the channel has one, the item is in another, and its translation is not settled.
 * A fold's or a digest's items are in its payload (JSON), read with each backend's own functions.
 */
export function showsUntranslated(row: string, dialect: Sql['dialect'] = 'sqlite'): string {
  const gathered =
    dialect === 'postgres'
      ? `SELECT (e.value ->> 'item_id')::bigint FROM json_array_elements(${row}.payload -> 'entries') e`
      : `SELECT e.value ->> 'item_id' FROM json_each(${row}.payload, '$.entries') e`;
  return `EXISTS (SELECT 1 FROM channels c, items i
    WHERE c.id = ${row}.channel AND c.language IS NOT NULL
      AND i.id IN (SELECT ${row}.item_id UNION ALL ${gathered})
      AND i.lang <> c.language AND NOT ${settledTranslation('c.language', `${row}.created_at`)})`;
}

/**
 * The rows still to be sent (held ones included: their fold or digest will show them), except those
 * whose first attempt went out untranslated (every attempt shows the same), and the items they show:
 * their own, and those a fold's or digest's payload lists (read with each backend's JSON functions).
 */
function waitingShown(dialect: Sql['dialect']): string {
  const listed =
    dialect === 'postgres'
      ? `SELECT w.channel, (e.value ->> 'item_id')::bigint, w.created_at FROM waiting w, json_array_elements(w.payload -> 'entries') e`
      : `SELECT w.channel, e.value ->> 'item_id', w.created_at FROM waiting w, json_each(w.payload, '$.entries') e`;
  return `WITH waiting AS (
         SELECT channel, item_id, payload, created_at FROM outbox
         WHERE status IN ('pending', 'held', 'retrying') AND kind <> 'update' AND translated IS NOT false),
       shown AS (
         SELECT channel, item_id, created_at FROM waiting WHERE item_id IS NOT NULL
         UNION ALL
         ${listed})`;
}

/**
 * Items shown by rows waiting in the outbox whose translation is wanted and not settled. Items whose LLM
 * summary is on its way are left until it has come: it is what the translation would be of.
 */
function wantedSql(dialect: Sql['dialect']): string {
  return `${waitingShown(dialect)}
       SELECT DISTINCT i.id AS item_id, c.language, i.title, coalesce(i.summary, '') AS summary
       FROM shown s JOIN channels c ON c.id = s.channel JOIN items i ON i.id = s.item_id
       WHERE c.language IS NOT NULL AND i.lang <> c.language AND i.summary_pending = false
         AND NOT ${settledTranslation('c.language', 's.created_at')}
         AND NOT EXISTS (SELECT 1 FROM item_translations p WHERE p.item_id = i.id AND p.language = c.language AND p.status = 'pending' AND p.updated_at > ?)
       LIMIT ?`;
}

const WANTED = { sqlite: wantedSql('sqlite'), postgres: wantedSql('postgres') };

/** The translated titles of a list of items: the list a JSON array on SQLite, an array on PostgreSQL. */
const TITLES = {
  sqlite: `SELECT t.item_id, t.title FROM item_translations t JOIN items i ON i.id = t.item_id
           WHERE t.item_id IN (SELECT value FROM json_each(?)) AND t.language = ? AND t.status = 'done' AND t.source_title = i.title`,
  postgres: `SELECT t.item_id, t.title FROM item_translations t JOIN items i ON i.id = t.item_id
             WHERE t.item_id = ANY (?::bigint[]) AND t.language = ? AND t.status = 'done' AND t.source_title = i.title`,
};

// Taken unless another process holds a fresh mark: only one of them asks the LLM.
const MARK = `INSERT INTO item_translations (item_id, language, status, updated_at) VALUES (?, ?, 'pending', ?)
  ON CONFLICT (item_id, language) DO UPDATE SET status = 'pending', updated_at = excluded.updated_at
  WHERE NOT (item_translations.status = 'pending' AND item_translations.updated_at > ?)`;

const SETTLE = `UPDATE item_translations SET status = ?, title = coalesce(?, title), summary = coalesce(?, summary),
    source_title = ?, source_summary = ?, model = ?, failure = ?, error = ?, updated_at = ?
  WHERE item_id = ? AND language = ?`;

/** Translations of items, one per item and language, made by whichever process asked the LLM first. */
export class TranslationStore {
  constructor(private readonly sql: Sql) {}

  /** Up to `limit` translations that rows waiting in the outbox want and no process is making (or made for them). */
  async wanted(limit: number, staleBefore: Date): Promise<WantedTranslation[]> {
    return this.sql.all<WantedTranslation>(WANTED[this.sql.dialect], [staleBefore.toISOString(), limit]);
  }

  /** Marks a translation as being made; false when another process is making it (a mark newer than `staleBefore`). */
  async take(itemId: number, language: ChannelLanguage, now: Date, staleBefore: Date): Promise<boolean> {
    return (await this.sql.run(MARK, [itemId, language, now.toISOString(), staleBefore.toISOString()])).changes > 0;
  }

  /** Records a translation of `source` (the texts sent to the LLM). */
  async done(
    itemId: number,
    language: ChannelLanguage,
    source: { title: string; summary: string },
    translated: { title: string; summary: string },
    model: string,
    now: Date,
  ): Promise<void> {
    await this.sql.run(SETTLE, ['done', translated.title, translated.summary, source.title, source.summary, model, null, null, now.toISOString(), itemId, language]);
  }

  /** Records that translating `source` failed; an earlier translation, if any, is kept but no longer shown. */
  async failed(itemId: number, language: ChannelLanguage, source: { title: string; summary: string }, failure: 'budget' | 'llm', error: string, now: Date): Promise<void> {
    await this.sql.run(SETTLE, ['failed', null, null, source.title, source.summary, null, failure, error, now.toISOString(), itemId, language]);
  }

  /** Gives a mark up unsettled (the process is stopping): the next process to look makes the translation. */
  async release(itemId: number, language: ChannelLanguage): Promise<void> {
    await this.sql.run("DELETE FROM item_translations WHERE item_id = ? AND language = ? AND status = 'pending'", [itemId, language]);
  }

  async find(itemId: number, language: ChannelLanguage): Promise<TranslationRow | undefined> {
    return this.sql.get<TranslationRow>('SELECT * FROM item_translations WHERE item_id = ? AND language = ?', [itemId, language]);
  }

  /** The translated titles of these items that are made and still stand for the item's title. */
  async titles(itemIds: number[], language: ChannelLanguage): Promise<Map<number, string>> {
    const ids = this.sql.dialect === 'postgres' ? itemIds : JSON.stringify(itemIds);
    const rows = await this.sql.all<{ item_id: number; title: string }>(TITLES[this.sql.dialect], [ids, language]);
    return new Map(rows.map((row) => [row.item_id, row.title]));
  }
}
