import { createRequire } from 'node:module';
import Parser from 'rss-parser';

export type Fields = Record<string, unknown>;
export type XmlFeed = Fields & { items: Fields[] };

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
    // RSS whose version is missing or not one rss-parser knows (every reader takes them) is read as 2.0.
    defaultRSS: 2,
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

/** RSS 2.0, RSS 1.0/RDF or Atom, read by a new lean parser under a time limit. */
export async function parseXml(xml: string): Promise<XmlFeed> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`parsing took longer than ${PARSE_TIMEOUT_MS / 1000} s`)), PARSE_TIMEOUT_MS);
  });
  try {
    return (await Promise.race([newParser().parseString(xml), timeout])) as XmlFeed;
  } finally {
    clearTimeout(timer);
  }
}

/** An element's value as rss-parser copies fields: its text when it has attributes, otherwise as it is. */
function elementText(value: unknown): unknown {
  return value && typeof (value as { _?: unknown })._ === 'string' ? (value as { _: string })._ : value;
}

export function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}
