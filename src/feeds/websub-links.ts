import { type Fields, isElement } from './feed-elements.ts';
import { parseLinkHeader } from './link-header.ts';

/**
 * Where a feed says its WebSub hub is, and the URL it calls its own (`rel="self"`): the topic a
 * subscriber names to the hub (https://www.w3.org/TR/websub/#discovery). Both absolute http(s) URLs.
 */
export interface WebSubLinks {
  hub: string | null;
  self: string | null;
}

/** Every hub and self address a document gives, as written (perhaps relative), in its order. */
export interface DeclaredLinks {
  hubs: string[];
  selves: string[];
}

/** Atom's registered relation names may also be written as IRIs under this prefix (RFC 4287 §4.2.7.2). */
const IANA_RELATIONS = 'http://www.iana.org/assignments/relation/';

/**
 * The links an Atom `<feed>` or an RSS `<channel>`, as xml2js reads it, gives with `rel="hub"` and
 * `rel="self"`: its `<link>` elements and those of any prefix. Feeds bind Atom's namespace to `atom:`,
 * `atom10:` (FeedBurner's) or declare it on the element itself, and no other vocabulary found in feeds
 * gives a link those relations, so the prefix is not checked. RSS's own `<link>` is text, with no
 * `rel`, and is passed over. xml2js groups elements by name: links of one name come before those of a
 * name first seen later, which differs from the document's order only in a feed that mixes prefixes.
 */
export function declaredXmlLinks(element: unknown): DeclaredLinks {
  const declared: DeclaredLinks = { hubs: [], selves: [] };
  if (!isElement(element)) return declared;
  for (const [name, value] of Object.entries(element)) {
    if (name !== 'link' && !name.endsWith(':link')) continue;
    for (const link of Array.isArray(value) ? value : [value]) {
      const attributes = isElement(link) && isElement(link.$) ? (link.$ as Fields) : null;
      if (typeof attributes?.href !== 'string' || typeof attributes.rel !== 'string') continue;
      const rels = relations(attributes.rel);
      if (rels.includes('hub')) declared.hubs.push(attributes.href);
      if (rels.includes('self')) declared.selves.push(attributes.href);
    }
  }
  return declared;
}

function relations(rel: string): string[] {
  return rel
    .toLowerCase()
    .split(/\s+/)
    .map((name) => (name.startsWith(IANA_RELATIONS) ? name.slice(IANA_RELATIONS.length) : name));
}

/**
 * JSON Feed's links: `feed_url` is its self, and each of `hubs` typed "WebSub" (in any case) a hub
 * (https://jsonfeed.org/version/1.1#top-level-object); hubs of other types (rssCloud) are not.
 */
export function declaredJsonLinks(doc: Record<string, unknown>): DeclaredLinks {
  const hubs = Array.isArray(doc.hubs) ? doc.hubs : [];
  return {
    hubs: hubs
      .filter((hub): hub is Fields => isElement(hub) && typeof hub.type === 'string' && hub.type.trim().toLowerCase() === 'websub')
      .map((hub) => hub.url)
      .filter((url): url is string => typeof url === 'string'),
    selves: typeof doc.feed_url === 'string' ? [doc.feed_url] : [],
  };
}

/**
 * The first hub and the first self that are, once resolved against the feed's URL (when it is known),
 * absolute http(s) URLs: a hub on another scheme cannot be subscribed at, and a relative one with no
 * base names nothing.
 */
export function resolveWebSubLinks(declared: DeclaredLinks, base?: string): WebSubLinks {
  return { hub: firstHttpUrl(declared.hubs, base), self: firstHttpUrl(declared.selves, base) };
}

/** The hub and self of an HTTP response's `Link` header fields, resolved against the URL that answered. */
export function headerWebSubLinks(fields: string | string[] | undefined, base: string): WebSubLinks {
  const links = parseLinkHeader(fields, base);
  const withRel = (rel: string) => links.filter((link) => link.rels.includes(rel)).map((link) => link.href);
  return resolveWebSubLinks({ hubs: withRel('hub'), selves: withRel('self') }, base);
}

function firstHttpUrl(hrefs: string[], base: string | undefined): string | null {
  for (const href of hrefs) {
    try {
      const url = new URL(href.trim(), base);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
    } catch {
      // not a URL, or a relative one with no base: the next may do
    }
  }
  return null;
}
