import { FeedParseError } from './errors.ts';
import { parseJsonFeed } from './json-feed.ts';
import { textOf } from './feed-elements.ts';
import { parseXml, type XmlFeed } from './lean-parser.ts';
import type { ParsedFeed } from './parsed-feed.ts';
import { escapeStrayLessThan } from './stray-less-than.ts';
import { resolveWebSubLinks } from './websub-links.ts';
import { refuseEntityDeclarations, repairXml } from './xml-repair.ts';

/** Enough of a document that is no feed for its `<head>`, where a web page names its feeds. */
const DOCUMENT_SNIPPET_CHARS = 64 * 1024;

/**
 * Parses a feed. Given where the text came from (`origin`), a document that is no feed is named in the
 * error, with its start: a web page there may name the feed to subscribe to instead; and the feed's
 * relative hub and self links are resolved against its URL.
 */
export async function parseFeed(text: string, origin?: { url: string; contentType: string | null }): Promise<ParsedFeed> {
  try {
    return await parseDocument(text, origin?.url);
  } catch (error) {
    if (!origin || !(error instanceof FeedParseError)) throw error;
    throw new FeedParseError(error.message, { ...origin, text: text.slice(0, DOCUMENT_SNIPPET_CHARS) });
  }
}

async function parseDocument(text: string, url: string | undefined): Promise<ParsedFeed> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) return parseJsonFeed(trimmed, url);
  refuseEntityDeclarations(text);
  // Most feeds are well-formed: parse them as they are, and mend only those the strict parser rejects.
  let xml = text.slice(Math.max(0, text.indexOf('<')));
  let feed: XmlFeed;
  let truncated = false;
  try {
    feed = await parseXml(xml);
  } catch (error) {
    // XML that is no feed stays so, however it is mended.
    if (error instanceof FeedParseError) throw error;
    ({ feed, xml, truncated } = await parseMended(text));
  }
  return {
    truncated,
    title: textOf(feed.title),
    language: textOf(feed.language) ?? textOf(feed['dc:language']) ?? rootLanguage(xml),
    ...resolveWebSubLinks(feed.links, url),
    entries: feed.items.map((item) => ({
      guid: textOf(item.guid) ?? textOf(item.id) ?? textOf(item['rdf:about']),
      link: textOf(item.link),
      title: textOf(item.title),
      titleType: item.titleType === 'text' ? 'text' : 'html',
      html: textOf(item['content:encoded']) ?? textOf(item.content) ?? textOf(item.summary) ?? textOf(item.media),
      author: textOf(item.creator) ?? textOf(item.author),
      date: textOf(item.rawDate),
      language: textOf(item.language),
    })),
  };
}

/**
 * A document the strict parser refused, mended as a browser would cope: first its entities and control
 * characters, then, if that is not enough, its stray `<` too. When neither reads, the error is the
 * first mended document's, which the second pass's escaping would only have moved along.
 */
async function parseMended(text: string): Promise<{ feed: XmlFeed; xml: string; truncated: boolean }> {
  const { xml, truncated } = repairXml(text);
  try {
    return { feed: await parseXml(xml), xml, truncated };
  } catch (error) {
    if (error instanceof FeedParseError) throw error;
    const escaped = escapeStrayLessThan(xml);
    if (escaped !== xml) {
      try {
        return { feed: await parseXml(escaped), xml: escaped, truncated };
      } catch {
        // reported as the first mended document's error, below
      }
    }
    throw new FeedParseError(`not a readable RSS, Atom or RDF feed: ${firstLine((error as Error).message)}`);
  }
}

/** Atom (and some RSS) feeds give their language only as xml:lang on the root element. */
function rootLanguage(xml: string): string | null {
  return /^(?:\s*<[?!][^>]*>)*\s*<[\w:]+[^>]*?\bxml:lang\s*=\s*["']([\w-]+)["']/.exec(xml.slice(0, 4096))?.[1] ?? null;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
