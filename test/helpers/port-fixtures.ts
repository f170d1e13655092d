import type { NewItem } from '../../src/db/items.ts';

/** The moment the storage-port suites start from: every instant they write is this, or `at` it. */
export const T0 = new Date('2026-12-01T10:00:00.000Z');

/** `seconds` after T0 (before it, when negative). */
export const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

/** An entry of a poll: its link, guid, title and body made from `key`, published at T0 unless said. */
export function newItem(key: string, fields: Partial<NewItem> = {}): NewItem {
  return {
    guid: `guid-${key}`,
    dedupeKey: `news.example.com/${key}`,
    url: `https://news.example.com/${key}`,
    title: `Title ${key}`,
    author: null,
    body: `Body of ${key}`,
    lang: 'en',
    publishedAt: T0.toISOString(),
    publishedAtSource: 'feed',
    contentHash: `hash-${key}`,
    ...fields,
  };
}
