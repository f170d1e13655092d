import { decodeHTML } from 'entities';
import { type Handler, Parser } from 'htmlparser2';

/** Control characters and bidi overrides: they can rewrite a terminal or disguise text, so they are never passed on. */
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
/** Whitespace other than a lone space: collapsed to one space. */
const COLLAPSIBLE = /\s{2,}|[^\S ]/g;

const HAS_COLLAPSIBLE = 1;
const HAS_UNSAFE = 2;

/**
 * Which of the two cleanups a paragraph needs, in one pass over its characters: most need neither, and
 * testing the regular expressions above on every paragraph cost more than the rest of the cleaning.
 */
function cleanupsNeeded(text: string): number {
  let needed = 0;
  let afterSpace = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20) {
      if (afterSpace) needed |= HAS_COLLAPSIBLE;
      afterSpace = true;
      continue;
    }
    afterSpace = false;
    // Printable ASCII, and everything above the last space and control character but U+FEFF (Han, kana, Hangul…).
    if ((c > 0x20 && c < 0x7f) || (c > 0x3000 && c !== 0xfeff)) continue;
    if ((c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
      c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff) needed |= HAS_COLLAPSIBLE;
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) needed |= HAS_UNSAFE;
  }
  return needed;
}

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
  return decoded(`${className ?? ''} ${id ?? ''}`).split(/\s+/).some((token) => WIDGET.test(token));
}

function decoded(text: string): string {
  return text.includes('&') ? decodeHTML(text) : text;
}

/**
 * Plain text from feed HTML: paragraphs kept (separated by a blank line), whitespace inside them
 * collapsed, entities decoded, and scripts, styles, images, captions and share widgets dropped.
 */
export function htmlToText(html: string): string {
  const text = new ArticleText();
  // Entities are decoded by ArticleText, run by run, rather than by the tokenizer: with decoding off it
  // jumps from one tag to the next instead of reading the text a character at a time, which halves its cost.
  const parser = new Parser(text, { decodeEntities: false, lowerCaseTags: true });
  parser.write(html);
  parser.end();
  return text.finish();
}

/** Collects an article's paragraphs from the parser's events; a class, so that no closures are made per document. */
class ArticleText implements Partial<Handler> {
  private readonly paragraphs: string[] = [];
  private current: string[] = [];
  private skipDepth = 0;
  /** For each open element, whether it is skipped. */
  private readonly skipping: boolean[] = [];

  onopentag(name: string, attributes: Record<string, string>): void {
    const skip = SKIPPED.has(name) || isWidget(name, attributes);
    this.skipping.push(skip);
    if (skip) this.skipDepth++;
    else if (BLOCKS.has(name)) this.flush();
  }

  onclosetag(name: string, isImplied: boolean): void {
    if (this.skipping.pop()) this.skipDepth = Math.max(0, this.skipDepth - 1);
    else if (BLOCKS.has(name) && !isImplied) this.flush();
  }

  ontext(text: string): void {
    if (this.skipDepth === 0) this.current.push(decoded(text));
  }

  finish(): string {
    this.flush();
    return this.paragraphs.join('\n\n');
  }

  private flush(): void {
    if (this.current.length === 0) return;
    let text = this.current.join('');
    this.current = [];
    const needed = cleanupsNeeded(text);
    if (needed & HAS_COLLAPSIBLE) text = text.replace(COLLAPSIBLE, ' ');
    if (needed & HAS_UNSAFE) text = text.replace(UNSAFE, '');
    text = text.trim();
    if (text) this.paragraphs.push(text);
  }
}
