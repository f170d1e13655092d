import Parser from 'rss-parser';
import { FeedParseError } from './errors.ts';
import { bodyHtml, elementText, type Fields, first, guidPermalink, isElement, mediaElement, textOf, titleType } from './feed-elements.ts';
import { flattenMixedContent, type SaxHandlers } from './mixed-content.ts';
import { declaredXmlLinks, type DeclaredLinks } from './websub-links.ts';

export type XmlFeed = Fields & { items: Fields[]; links: DeclaredLinks };

/**
 * rss-parser, minus two things ainews does not use and that cost a sixth of the parse of a full-text feed:
 * the plain-text `contentSnippet` of every body (two regular expressions over its HTML; normalisation
 * extracts the text itself) and the `isoDate` of every item.
 *
 * It reads itself what rss-parser reads wrong or not at all: dates raw (rss-parser's
 * `new Date(...).toISOString()` throws on a bad Atom date and loses the feed; they are parsed strictly in
 * normalisation), Atom 0.3's and Dublin Core terms' dates, bodies by their declared type, Atom links,
 * permalink guids and Media RSS. Each item also says whether its title is HTML or text, and the feed
 * gives the WebSub hub and self links of its `<feed>` or `<channel>`.
 */
class LeanFeedParser extends Parser<Fields, Fields> {
  /**
   * rss-parser's own, but choosing by the root element alone: every `<rss>` is read as RSS 2.0 (0.9x
   * differ in nothing read here, and other readers take one with no version or an unknown one), and a
   * document that is XML but no feed gets an error that says so, where rss-parser threw JavaScript's own
   * ("Cannot read properties of undefined (reading '0')") or called an empty `<feed/>` no RSS.
   */
  override parseString(xml: string): Promise<Fields & Parser.Output<Fields>> {
    const internals = this as unknown as Internals;
    return new Promise((resolve, reject) => {
      internals.xmlParser.parseString(xml, (error, document) => {
        if (error) return reject(error);
        try {
          resolve(build(internals, document) as Fields & Parser.Output<Fields>);
        } catch (failure) {
          reject(failure as Error);
        }
      });
    });
  }

  buildAtomFeed(document: { feed: Fields }): Fields {
    const links = declaredXmlLinks(document.feed);
    // Only WebSub's links (read above) are wanted, and rss-parser's reading throws on a <link> with no attributes.
    take(document.feed, 'link');
    const entries = document.feed.entry;
    // An entry of text alone (or empty) has nothing to read; rss-parser throws on it.
    if (Array.isArray(entries)) document.feed.entry = entries.map((entry: unknown) => (isElement(entry) ? entry : {}));
    // @ts-expect-error buildAtomFeed is an internal method of rss-parser, present in 3.x
    return { ...(super.buildAtomFeed(document) as Fields), links };
  }

  /** rss-parser's reading of an RSS 2.0 or RSS 1.0 channel, which keeps only the first `atom:link`. */
  buildRSS(channel: Fields, items: unknown): Fields {
    // @ts-expect-error buildRSS is an internal method of rss-parser, present in 3.x
    return { ...(super.buildRSS(channel, items) as Fields), links: declaredXmlLinks(channel) };
  }

  parseItemAtom(entry: Fields): Fields {
    const links = take(entry, 'link');
    const date = firstText(entry, ATOM_DATES);
    take(entry, 'published');
    take(entry, 'updated');
    const content = take(entry, 'content');
    const summary = take(entry, 'summary');
    // @ts-expect-error parseItemAtom is an internal method of rss-parser, present in 3.x
    const item = super.parseItemAtom(entry) as Fields;
    item.link = atomLink(links);
    item.rawDate = date;
    // Atom's text (its default) is text: only html and xhtml hold markup.
    item.content = bodyHtml(first(content), 'text');
    item.summary = bodyHtml(first(summary), 'text');
    // Atom's default is text; an XHTML title's elements were read as its text.
    item.titleType = titleType(first(entry.title), 'text');
    readMedia(entry, item);
    return item;
  }

  parseItemRss(xmlItem: Fields, itemFields: unknown): Fields {
    const description = take(xmlItem, 'description');
    const encoded = take(xmlItem, 'content:encoded');
    // @ts-expect-error parseItemRss is an internal method of rss-parser, present in 3.x
    const item = super.parseItemRss(xmlItem, itemFields) as Fields;
    if (Array.isArray(description)) item.content = elementText(description[0]);
    if (Array.isArray(encoded)) item['content:encoded'] = elementText(encoded[0]);
    if (!textOf(item.link)) item.link = guidPermalink(first(xmlItem.guid));
    item.rawDate = firstText(xmlItem, RSS_DATES);
    item.titleType = 'html';
    readMedia(xmlItem, item);
    return item;
  }

  setISODate(): void {}
}

/**
 * Where an item's publication date may be, best first: Atom 1.0's, Atom 0.3's and Dublin Core terms'
 * (dcterms:issued, …), then when it was created, then when it last changed.
 */
const ATOM_DATES = ['published', 'issued', 'dcterms:issued', 'created', 'dcterms:created', 'updated', 'modified', 'dcterms:modified'];
const RSS_DATES = ['pubDate', 'dc:date', 'dcterms:issued', 'dcterms:created', 'dcterms:modified'];

function firstText(element: Fields, names: string[]): string | null {
  for (const name of names) {
    const text = textOf(element[name]);
    if (text !== null) return text;
  }
  return null;
}

/** Media RSS's description, a body when there is no other, and its title when the item has none. */
function readMedia(element: Fields, item: Fields): void {
  // Media RSS's type is plain (the default) or html.
  item.media = bodyHtml(mediaElement(element, 'media:description'), 'text');
  if (textOf(item.title)) return;
  const title = mediaElement(element, 'media:title');
  item.title = textOf(title);
  item.titleType = titleType(title, 'text');
}

/** rss-parser 3.x's internals that the subclass calls. */
interface Internals {
  xmlParser: { parseString(xml: string, callback: (error: Error | null, document: Fields | null) => void): void };
  buildRSS2(document: Fields): Fields;
  buildRSS1(document: Fields): Fields;
  buildAtomFeed(document: Fields): Fields;
}

function build(parser: Internals, document: Fields | null): Fields {
  const root = document ? Object.keys(document)[0] : undefined;
  if (!document || !root) throw new FeedParseError('not a feed: the document is empty');
  const element = document[root];
  if (root === 'rss') {
    if (!isElement(element) || !readableChannel(element)) throw new FeedParseError('not a feed: RSS with no channel');
    return parser.buildRSS2(document);
  }
  if (root === 'rdf:RDF') {
    // RSS 1.0's items are the channel's siblings: a document of items alone is still read.
    if (!isElement(element) || !(readableChannel(element) || Array.isArray(element.item))) throw new FeedParseError('not a feed: RDF with no channel');
    element.channel ??= [{}];
    return parser.buildRSS1(document);
  }
  if (root === 'feed') {
    if (!isElement(element)) throw new FeedParseError('not a feed: an empty Atom <feed>');
    return parser.buildAtomFeed(document);
  }
  throw new FeedParseError(`not a readable RSS, Atom or RDF feed: its root element is <${root}>`);
}

/**
 * Whether the element has a channel rss-parser can read; an empty one is made an empty element, and
 * one of text alone is refused.
 */
function readableChannel(parent: Fields): boolean {
  const channels = parent.channel;
  if (!Array.isArray(channels)) return false;
  if (isElement(channels[0])) return true;
  if (typeof channels[0] === 'string' && channels[0].trim() !== '') {
    throw new FeedParseError('not a feed: the channel holds text, not elements');
  }
  channels[0] = {};
  return true;
}

/**
 * An Atom entry's link: the first of rel="alternate" (the default), else the first with an address.
 * rss-parser took the first link of any kind when none said "alternate", and threw on a <link> with no
 * attributes, losing the feed; such a link's text is read as its address, as other readers do.
 */
function atomLink(links: unknown): string | undefined {
  if (!Array.isArray(links)) return undefined;
  const href = (link: unknown) => (isElement(link) && isElement(link.$) ? (link.$ as Record<string, string>).href : undefined);
  const alternate = links.find((link) => href(link) && ((link as { $: Record<string, string> }).$.rel ?? 'alternate') === 'alternate');
  return href(alternate) ?? links.map(href).find(Boolean) ?? links.find((link): link is string => typeof link === 'string' && link.trim() !== '')?.trim();
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
      item: ['id'] as never,
    },
  });
  // sax counts lines and columns at every character, a sixth of the parse, for error messages whose first
  // line is all a feed error keeps. Its `position` option turns that off, but xml2js does not pass
  // options to sax, so it is set on the sax parser xml2js made.
  const sax = (parser as unknown as { xmlParser: { saxParser: SaxHandlers & { trackPosition?: boolean } } }).xmlParser.saxParser;
  if ('trackPosition' in sax) sax.trackPosition = false;
  flattenMixedContent(sax);
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
