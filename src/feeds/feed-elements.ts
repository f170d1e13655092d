import { declaredXhtml, HAD_ELEMENTS } from './mixed-content.ts';
import { plainTextAsHtml } from './plain-text.ts';

export type Fields = Record<string, unknown>;

/** xml2js gives an element with children or attributes as an object, and one of text alone (or nothing) as a string. */
export function isElement(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null;
}

export function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

/** An element's value as rss-parser copies fields: its text when it has attributes, otherwise as it is. */
export function elementText(value: unknown): unknown {
  return isElement(value) && typeof value._ === 'string' ? value._ : value;
}

/** Feed fields arrive as strings, `{ _: text }` objects or arrays of those; anything else, or only whitespace, is absent. */
export function textOf(value: unknown): string | null {
  const v = first(value);
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (isElement(v) && typeof v._ === 'string') return textOf(v._);
  return null;
}

function attributesOf(element: Fields): Record<string, string> | undefined {
  return isElement(element.$) ? (element.$ as Record<string, string>) : undefined;
}

/**
 * A body as HTML, read by what its element says it holds: Atom's type (text, html, xhtml or a MIME
 * type, with Atom 0.3's mode) or Media RSS's (plain or html); `untyped` is what it holds when it does not
 * say. Text is escaped, so that "Vec&lt;String&gt;" in a text body stays "Vec<String>" rather than
 * losing a tag; a body written as elements is markup, whatever its type.
 */
export function bodyHtml(element: unknown, untyped: 'text' | 'html'): string | undefined {
  if (typeof element === 'string') return untyped === 'html' ? element : plainTextAsHtml(element);
  if (!isElement(element) || typeof element._ !== 'string') return undefined;
  return holdsMarkup(element, untyped) ? element._ : plainTextAsHtml(element._);
}

function holdsMarkup(element: Fields, untyped: 'text' | 'html'): boolean {
  return element[HAD_ELEMENTS] !== undefined || declaredType(element, untyped) !== 'text';
}

/**
 * What a text element says it holds: Atom's type (text, html, xhtml or a MIME type, with Atom 0.3's
 * mode) or Media RSS's (plain or html), else `untyped`.
 */
function declaredType(element: unknown, untyped: 'text' | 'html'): 'text' | 'html' | 'xhtml' {
  const attributes = isElement(element) ? attributesOf(element) : undefined;
  if (declaredXhtml(attributes)) return 'xhtml';
  const type = attributes?.type?.toLowerCase().trim();
  if (!type) return untyped;
  return type.includes('html') ? 'html' : 'text';
}

/** Whether a title is HTML or text (an XHTML title's elements were read as their text). */
export function titleType(element: unknown, untyped: 'text' | 'html'): 'text' | 'html' {
  return declaredType(element, untyped) === 'html' ? 'html' : 'text';
}

/**
 * RSS 2.0's guid is the item's permalink unless it says isPermaLink="false". One that says nothing is
 * taken only when it is a web address, as many guids that say nothing are not (`item-123`).
 */
export function guidPermalink(guid: unknown): string | undefined {
  const text = textOf(guid)?.trim();
  if (!text) return undefined;
  const attributes = isElement(guid) ? attributesOf(guid) : undefined;
  const says = (attributes?.isPermaLink ?? attributes?.ispermalink)?.trim().toLowerCase();
  if (says === 'false') return undefined;
  return /^https?:\/\//i.test(text) || (says === 'true' && text.startsWith('/')) ? text : undefined;
}

/** A Media RSS element of the item's own, or of its media:group, which is all YouTube's feeds give. */
export function mediaElement(item: Fields, name: 'media:description' | 'media:title'): unknown {
  const group = first(item['media:group']);
  return first(item[name]) ?? (isElement(group) ? first(group[name]) : undefined);
}
