import { FeedParseError } from './errors.ts';

/** One item of a feed: RSS's and RDF's `<item>`, Atom's `<entry>`, with or without a namespace prefix. */
const ITEM = /^(?:[^\s:]+:)?(?:item|entry)$/;
/** The root element of an RSS, Atom or RDF feed. */
const FEED_ROOT = /^(?:[^\s:]+:)?(?:rss|feed|RDF)$/;
const CHANNEL = /^(?:[^\s:]+:)?channel$/;
/** What may start an element's name (XML allows any letter; feeds use ASCII and the occasional CJK name). */
const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;

interface OpenElement {
  name: string;
  /** Where its start tag begins. */
  at: number;
}

interface Scan {
  /** Elements still open where the document ends, outermost first. */
  open: OpenElement[];
  /** Just after the last complete tag, comment, CDATA section or declaration. */
  end: number;
  /** Whether the document ends inside a tag, comment, CDATA section or declaration. */
  brokenOff: boolean;
  /** Items closed by their end tag where a feed keeps its items. */
  completeItems: number;
  /** Whether a root element was opened: without one there is nothing to close or keep. */
  rooted: boolean;
}

/**
 * A feed cut short (a truncated download, a missing final `>`) made whole again where it breaks off:
 * an item cut off is dropped whole, since a part of one is not what the feed says, and the elements
 * still open are closed. A document that ends as it should is returned as it is. One that breaks off
 * before its first item is complete has nothing to give, and is refused with an error that says so
 * rather than read as a feed with no items.
 */
export function closeTruncated(xml: string): { xml: string; truncated: boolean } {
  const { open, end, brokenOff, completeItems, rooted } = scanOpenElements(xml);
  if (!rooted || (open.length === 0 && !brokenOff)) return { xml, truncated: false };
  if (open.length > 0 && completeItems === 0 && FEED_ROOT.test(open[0]!.name)) {
    throw new FeedParseError('not a readable RSS, Atom or RDF feed: it breaks off before its first item is complete');
  }
  const cutItem = open.findIndex((element) => ITEM.test(element.name));
  const kept = cutItem >= 0 ? open.slice(0, cutItem) : open;
  // Text after the last tag is the start of something cut off (a title, a body): dropped too.
  const cut = cutItem >= 0 ? open[cutItem]!.at : end;
  return { xml: xml.slice(0, cut) + kept.reverse().map((element) => `</${element.name}>`).join(''), truncated: true };
}

/**
 * The elements open at the end of the document. Lenient as a browser: an end tag closes the innermost
 * open element of its name and everything opened inside it, and one that matches nothing is ignored, so
 * only an element never closed, as in a document cut short, is left open.
 */
function scanOpenElements(xml: string): Scan {
  const open: OpenElement[] = [];
  let completeItems = 0;
  let end = 0;
  let rooted = false;
  for (let at = xml.indexOf('<'); at >= 0; at = xml.indexOf('<', at + 1)) {
    const after = markupEnd(xml, at);
    if (after === 0) continue; // a "<" that starts no markup ("a < b"): malformed text, not a cut
    if (after < 0) return { open, end, brokenOff: true, completeItems, rooted };
    if (xml[at + 1] === '/') {
      const name = /^[^\s>]+/.exec(xml.slice(at + 2, after - 1))?.[0] ?? '';
      let index = open.length - 1;
      while (index >= 0 && open[index]!.name !== name) index--;
      if (index >= 0) {
        if (ITEM.test(name) && atItemLevel(open, index)) completeItems++;
        open.length = index;
      }
    } else if (NAME_START.test(xml[at + 1] ?? '') && xml[after - 2] !== '/') {
      open.push({ name: /^[^\s/>]+/.exec(xml.slice(at + 1, after - 1))![0], at });
      rooted = true;
    }
    end = after;
    at = after - 1;
  }
  return { open, end, brokenOff: false, completeItems, rooted };
}

/**
 * Whether the element at `index` is where a feed keeps its items: in the root (Atom, RDF) or in a
 * channel in the root (RSS 2.0). An item anywhere else is a sign of a document broken in other ways.
 */
function atItemLevel(open: OpenElement[], index: number): boolean {
  if (!FEED_ROOT.test(open[0]!.name)) return false;
  return index === 1 || (index === 2 && CHANNEL.test(open[1]!.name));
}

/** Just after the markup that starts at `at`; -1 when the document ends inside it, 0 when there is none. */
function markupEnd(xml: string, at: number): number {
  if (xml.startsWith('<!--', at)) return after(xml, '-->', at + 4);
  if (xml.startsWith('<![CDATA[', at)) return after(xml, ']]>', at + 9);
  if (xml.startsWith('<?', at)) return after(xml, '?>', at + 2);
  if (xml.startsWith('<!', at)) return declarationEnd(xml, at);
  const next = xml[at + 1] ?? '';
  if (next !== '/' && !NAME_START.test(next)) return xml.length > at + 1 ? 0 : -1;
  return tagEnd(xml, at);
}

function after(xml: string, terminator: string, from: number): number {
  const found = xml.indexOf(terminator, from);
  return found < 0 ? -1 : found + terminator.length;
}

/** A DOCTYPE, whose internal subset in brackets may hold `>`. */
function declarationEnd(xml: string, at: number): number {
  const close = xml.indexOf('>', at);
  const subset = xml.indexOf('[', at);
  if (subset < 0 || (close >= 0 && close < subset)) return close < 0 ? -1 : close + 1;
  const subsetEnd = xml.indexOf(']', subset);
  return subsetEnd < 0 ? -1 : after(xml, '>', subsetEnd);
}

/**
 * The end of a start or end tag: the first `>` outside a quoted attribute value. When the quotes never
 * balance but a `>` follows, the tag is malformed rather than cut off, and ends at that `>`.
 */
function tagEnd(xml: string, at: number): number {
  let quote = '';
  for (let i = at + 1; i < xml.length; i++) {
    const char = xml[i];
    if (quote) {
      if (char === quote) quote = '';
    } else if (char === '>') {
      return i + 1;
    } else if (char === '"' || char === "'") {
      quote = char;
    }
  }
  return after(xml, '>', at);
}
