import { FeedParseError } from './errors.ts';
import type { ParsedFeed, RawEntry } from './parsed-feed.ts';
import { plainTextAsHtml } from './plain-text.ts';
import { declaredJsonLinks, resolveWebSubLinks } from './websub-links.ts';

/** JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1); relative links are resolved against `url`. */
export function parseJsonFeed(text: string, url?: string): ParsedFeed {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new FeedParseError(`not a readable JSON Feed: ${(error as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || !String(doc.version ?? '').startsWith('https://jsonfeed.org/version/1') || !Array.isArray(doc.items)) {
    throw new FeedParseError('not a JSON Feed: "version" must be https://jsonfeed.org/version/1 or 1.1 and "items" an array');
  }
  return {
    title: str(doc.title),
    language: str(doc.language),
    ...resolveWebSubLinks(declaredJsonLinks(doc), url),
    entries: doc.items.filter((item): item is Record<string, unknown> => !!item && typeof item === 'object').map(entry),
  };
}

function entry(item: Record<string, unknown>): RawEntry {
  const authors = Array.isArray(item.authors) ? item.authors : item.author ? [item.author] : [];
  const author = authors.map((a) => str((a as Record<string, unknown>)?.name)).find(Boolean) ?? null;
  return {
    guid: item.id === undefined || item.id === null ? null : String(item.id),
    link: str(item.url) ?? str(item.external_url),
    title: str(item.title),
    titleType: 'html',
    html: str(item.content_html) ?? plainText(str(item.content_text)) ?? str(item.summary),
    author,
    date: str(item.date_published) ?? str(item.date_modified),
    language: str(item.language),
  };
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function plainText(text: string | null): string | null {
  return text === null ? null : plainTextAsHtml(text);
}
