import { FeedParseError } from './errors.ts';
import { parseJsonFeed } from './json-feed.ts';
import { first } from './feed-elements.ts';
import { parseXml, type XmlFeed } from './lean-parser.ts';
import type { ParsedFeed } from './parsed-feed.ts';
import { refuseEntityDeclarations, repairXml } from './xml-repair.ts';

export async function parseFeed(text: string): Promise<ParsedFeed> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) return parseJsonFeed(trimmed);
  refuseEntityDeclarations(text);
  // Most feeds are well-formed: parse them as they are, and mend only those the strict parser rejects.
  let xml = text.slice(Math.max(0, text.indexOf('<')));
  let feed: XmlFeed;
  try {
    feed = await parseXml(xml);
  } catch (error) {
    // XML that is no feed stays so, however it is mended.
    if (error instanceof FeedParseError) throw error;
    xml = repairXml(text);
    try {
      feed = await parseXml(xml);
    } catch (error) {
      if (error instanceof FeedParseError) throw error;
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
