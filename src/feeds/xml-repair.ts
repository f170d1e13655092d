import { decodeHTML } from 'entities';
import { FeedParseError } from './errors.ts';
import { closeTruncated } from './truncated-xml.ts';

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
// C0 controls other than tab, newline and carriage return are not allowed anywhere in XML 1.0.
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/**
 * Mends the breakage a browser shrugs off, so that a strict XML parser can read the feed:
 * a stray `&` (as in `?a=1&b=2`), HTML entities such as `&nbsp;` that XML does not define, control
 * characters, junk before the root element, and an end cut off (see closeTruncated; `truncated` says
 * so). CDATA sections are left exactly as they are.
 */
export function repairXml(xml: string): { xml: string; truncated: boolean } {
  const start = xml.indexOf('<');
  if (start < 0) throw new FeedParseError('the body is not XML: no element found');
  refuseEntityDeclarations(xml);
  const closed = closeTruncated(xml.slice(start));
  const repaired = closed.xml
    .replace(INVALID_XML_CHARS, '')
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) => (part.startsWith('<![CDATA[') ? part : repairEntities(part)))
    .join('');
  return { xml: repaired, truncated: closed.truncated };
}

/** Entity declarations are how "billion laughs" and external-entity attacks work: a feed has no need of them. */
export function refuseEntityDeclarations(xml: string): void {
  // Declarations live in the DOCTYPE's internal subset, before the root element: only that is looked at,
  // so an article that merely mentions <!ENTITY> is not refused.
  const subset = /<!DOCTYPE[^[>]*\[([\s\S]*?)\]\s*>/i.exec(xml.slice(0, 65_536))?.[1];
  if (subset !== undefined && /<!ENTITY/i.test(subset)) {
    throw new FeedParseError('the feed declares XML entities (<!ENTITY>), which ainews refuses to expand');
  }
}

function repairEntities(text: string): string {
  return text.replace(/&(#\d+;|#x[\da-f]+;|[a-z][\w.-]*;)?/gi, (whole, ref: string | undefined) => {
    if (!ref) return '&amp;';
    if (ref.startsWith('#')) return whole;
    const name = ref.slice(0, -1);
    if (XML_ENTITIES.has(name)) return whole;
    const decoded = decodeHTML(whole);
    if (decoded === whole) return `&amp;${ref}`;
    return [...decoded].map((char) => `&#${char.codePointAt(0)};`).join('');
  });
}
