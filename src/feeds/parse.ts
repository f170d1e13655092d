import { createRequire } from 'node:module';
import Parser from 'rss-parser';
import { FeedParseError } from './errors.ts';
import { parseJsonFeed } from './json-feed.ts';
import type { ParsedFeed } from './parsed-feed.ts';
import { refuseEntityDeclarations, repairXml } from './xml-repair.ts';

type Fields = Record<string, unknown>;

/** rss-parser's own reading of a body element: its text, or the element's markup rebuilt when it holds child elements. */
const contentOf = (createRequire(import.meta.url)('rss-parser/lib/utils.js') as { getContent: (content: unknown) => unknown }).getContent;

/**
 * rss-parser, minus two things ainews does not use and that cost a sixth of the parse of a full-text feed:
 * the plain-text `contentSnippet` of every body (two regular expressions over its HTML; normalisation
 * extracts the text itself) and the `isoDate` of every item.
 *
 * It also turns Atom dates into ISO strings with `new Date(...).toISOString()`, which throws on a bad
 * date and loses the whole feed. Dates are taken raw instead and parsed strictly in normalisation.
 */
class LeanFeedParser extends Parser<Fields, Fields> {
  parseItemAtom(entry: Fields): Fields {
    const published = take(entry, 'published');
    const updated = take(entry, 'updated');
    const content = take(entry, 'content');
    // @ts-expect-error parseItemAtom is an internal method of rss-parser, present in 3.x
    const item = super.parseItemAtom(entry) as Fields;
    item.rawDate = first(published) ?? first(updated);
    if (Array.isArray(content) && content.length) item.content = contentOf(content[0]);
    return item;
  }

  parseItemRss(xmlItem: Fields, itemFields: unknown): Fields {
    const description = take(xmlItem, 'description');
    const encoded = take(xmlItem, 'content:encoded');
    // @ts-expect-error parseItemRss is an internal method of rss-parser, present in 3.x
    const item = super.parseItemRss(xmlItem, itemFields) as Fields;
    if (Array.isArray(description)) item.content = contentOf(description[0]);
    if (Array.isArray(encoded)) item['content:encoded'] = elementText(encoded[0]);
    return item;
  }

  setISODate(): void {}
}

/**
 * Takes a child out of an element that xml2js made for this parse alone, so that rss-parser's own
 * reading skips it; cheaper than copying the rest of the element into a new object.
 */
function take(element: Fields, name: string): unknown {
  const value = element[name];
  if (value !== undefined) element[name] = undefined;
  return value;
}

/**
 * A new parser for every document: rss-parser keeps one xml2js parser, which after an XML error stays
 * marked as failed and never calls back on the next error, so a second malformed feed would hang its
 * poll (and the scheduler's tick) forever.
 */
function newParser(): LeanFeedParser {
  const parser = new LeanFeedParser({
    customFields: {
      feed: ['language', 'dc:language'] as never,
      item: ['rawDate', 'id'] as never,
    },
  });
  // sax counts lines and columns at every character, a sixth of the parse, for error messages whose first
  // line is all a feed error keeps. Its `position` option turns that off, but xml2js does not pass
  // options to sax, so it is set on the sax parser xml2js made.
  const sax = (parser as unknown as { xmlParser?: { saxParser?: { trackPosition?: boolean } } }).xmlParser?.saxParser;
  if (sax && 'trackPosition' in sax) sax.trackPosition = false;
  return parser;
}

// A parse that never calls back must not hold its poll, and the tick, forever.
const PARSE_TIMEOUT_MS = 30_000;

async function parseXml(xml: string): Promise<Fields & { items: Fields[] }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`parsing took longer than ${PARSE_TIMEOUT_MS / 1000} s`)), PARSE_TIMEOUT_MS);
  });
  try {
    return (await Promise.race([newParser().parseString(xml), timeout])) as Fields & { items: Fields[] };
  } finally {
    clearTimeout(timer);
  }
}

export async function parseFeed(text: string): Promise<ParsedFeed> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) return parseJsonFeed(trimmed);
  refuseEntityDeclarations(text);
  // Most feeds are well-formed: parse them as they are, and mend only those the strict parser rejects.
  let xml = text.slice(Math.max(0, text.indexOf('<')));
  let feed: Fields & { items: Fields[] };
  try {
    feed = await parseXml(xml);
  } catch {
    xml = repairXml(text);
    try {
      feed = await parseXml(xml);
    } catch (error) {
      throw new FeedParseError(`not a readable RSS, Atom or RDF feed: ${firstLine((error as Error).message)}`);
    }
  }
  return {
    title: text_(feed.title),
    language: text_(feed.language) ?? text_(feed['dc:language']) ?? rootLanguage(xml),
    entries: feed.items.map((item) => ({
      guid: text_(item.guid) ?? text_(item.id) ?? text_(item['rdf:about']),
      link: text_(item.link),
      title: text_(item.title),
      html: text_(item['content:encoded']) ?? text_(item.content) ?? text_(item.summary),
      author: text_(item.creator) ?? text_(item.author),
      date: text_(item.rawDate) ?? text_(item.pubDate) ?? text_(item.date),
      language: text_(item.language),
    })),
  };
}

/** Atom (and some RSS) feeds give their language only as xml:lang on the root element. */
function rootLanguage(xml: string): string | null {
  return /^(?:\s*<[?!][^>]*>)*\s*<[\w:]+[^>]*?\bxml:lang\s*=\s*["']([\w-]+)["']/.exec(xml.slice(0, 4096))?.[1] ?? null;
}

/** An element's value as rss-parser copies fields: its text when it has attributes, otherwise as it is. */
function elementText(value: unknown): unknown {
  return value && typeof (value as { _?: unknown })._ === 'string' ? (value as { _: string })._ : value;
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

/** Feed fields arrive as strings, `{ _: text }` objects or arrays of those; anything else is absent. */
function text_(value: unknown): string | null {
  const v = first(value);
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (v && typeof v === 'object' && typeof (v as { _?: unknown })._ === 'string') return text_((v as { _: string })._);
  return null;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
