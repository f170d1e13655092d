import { Parser } from 'htmlparser2';

const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');
const COLLAPSIBLE = /\s{2,}|[^\S ]/;
const COLLAPSIBLE_ALL = new RegExp(COLLAPSIBLE.source, 'g');

/** Elements whose content is never article text. */
const SKIPPED = new Set(['script', 'style', 'noscript', 'iframe', 'svg', 'math', 'template', 'figcaption', 'object', 'video', 'audio', 'button', 'form', 'select']);
/** Elements that end a paragraph. */
const BLOCKS = new Set([
  'p', 'div', 'br', 'li', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'table', 'blockquote', 'section',
  'article', 'header', 'footer', 'pre', 'figure', 'hr', 'dd', 'dt', 'aside', 'main', 'nav',
]);

/**
 * Containers of share buttons, related links, newsletter boxes and ads, by a whole class or id token
 * ("share-buttons", "newsletter"), never by a fragment of one ("share-price", "no-ads" stay).
 */
const WIDGET =
  /^(?:share|sharing|social-share|newsletter|subscribe|advert|advertisement|ad|ads|promo|sponsored|related-posts|related-articles|(?:share|social|ad|newsletter)[-_](?:buttons?|bar|box|links?|icons?|widget|container|wrapper|signup|banner|slot))$/i;
/** Elements that hold the article itself: never skipped, whatever their class. */
const CONTENT = new Set(['article', 'main', 'body']);

function isWidget(name: string, attributes: Record<string, string>): boolean {
  const { class: className, id } = attributes;
  if ((!className && !id) || CONTENT.has(name)) return false;
  return `${className ?? ''} ${id ?? ''}`.split(/\s+/).some((token) => WIDGET.test(token));
}

/**
 * Plain text from feed HTML: paragraphs kept (separated by a blank line), whitespace inside them
 * collapsed, entities decoded, and scripts, styles, images, captions and share widgets dropped.
 */
export function htmlToText(html: string): string {
  const paragraphs: string[] = [];
  let current: string[] = [];
  let skipDepth = 0;
  const skipping: boolean[] = [];
  const flush = () => {
    if (current.length === 0) return;
    // Collapses whitespace runs without rewriting every lone space, which dominates the cost on long bodies;
    // most paragraphs have none, and a test is cheaper than a replace.
    const joined = current.join('');
    const text = (COLLAPSIBLE.test(joined) ? joined.replace(COLLAPSIBLE_ALL, ' ') : joined).trim();
    if (text) paragraphs.push(text);
    current = [];
  };
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        const skip = SKIPPED.has(name) || isWidget(name, attributes);
        skipping.push(skip);
        if (skip) skipDepth++;
        else if (BLOCKS.has(name)) flush();
      },
      onclosetag(name, isImplied) {
        if (skipping.pop()) skipDepth = Math.max(0, skipDepth - 1);
        else if (BLOCKS.has(name) && !isImplied) flush();
      },
      ontext(text) {
        if (skipDepth === 0) current.push(text);
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  flush();
  const text = paragraphs.join('\n\n');
  // Control characters and bidi overrides can rewrite a terminal or disguise text: never pass them on.
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, '') : text;
}
