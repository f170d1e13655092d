import { Parser } from 'htmlparser2';

/** The types a page's `<link rel="alternate">` gives its feeds, as the RSS autodiscovery convention has them. */
const FEED_TYPES = new Set(['application/rss+xml', 'application/atom+xml', 'application/feed+json', 'application/rdf+xml']);

/** What may stand before a document's first element: a byte-order mark, space, an XML prolog, comments, a doctype. */
const PREAMBLE = /^(?:\uFEFF|\s+|<\?[^>]*\?>|<!--[\s\S]*?-->)*/;

/**
 * Whether a document is a web page rather than a feed: its first element is `<html>` or its doctype
 * says HTML, or the server called it HTML and nothing in it begins like a feed. Feeds served as
 * text/html are common, so the header alone does not decide.
 */
export function looksLikeHtml(text: string, contentType: string | null): boolean {
  const start = text.slice(0, 4096).replace(PREAMBLE, '');
  if (/^<!doctype\s+html|^<html[\s>]/i.test(start)) return true;
  if (/^(<rss[\s>]|<feed[\s>]|<rdf:rdf[\s>]|<\?xml|\{)/i.test(start)) return false;
  return /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(contentType ?? '') && /<(html|head|body)[\s>]/i.test(text.slice(0, 65_536));
}

/**
 * The feeds a web page names with `<link rel="alternate" type="application/rss+xml|atom+xml|feed+json">`,
 * in the order it names them, resolved against the page's URL (or its `<base href>`), without
 * repeats. Only http(s) links are kept; whether they may be fetched is for the address checks to say.
 */
export function findFeedLinks(html: string, pageUrl: string): string[] {
  const found: string[] = [];
  let base = pageUrl;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'base' && attributes.href) base = resolve(attributes.href, pageUrl) ?? base;
        if (name !== 'link') return;
        const rel = (attributes.rel ?? '').toLowerCase().split(/\s+/);
        const type = (attributes.type ?? '').toLowerCase().split(';')[0]!.trim();
        if (!rel.includes('alternate') || !FEED_TYPES.has(type) || !attributes.href) return;
        const url = resolve(attributes.href, base);
        if (url && !found.includes(url)) found.push(url);
      },
      onclosetag(name) {
        // A page names its feeds in its head; the body is not worth reading for them.
        if (name === 'head') parser.pause();
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  return found;
}

function resolve(href: string, base: string): string | null {
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
