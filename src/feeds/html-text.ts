import { decodeHTML } from 'entities';
import { type Handler, Parser, Tokenizer } from 'htmlparser2';
import { c1AsWindows1252 } from './c1-controls.ts';

/** Control characters and bidi overrides: they can rewrite a terminal or disguise text, so they are never passed on. */
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
/** Whitespace other than a lone space: collapsed to one space. */
const COLLAPSIBLE = /\s{2,}|[^\S ]/g;

/**
 * A character that needs one of the cleanups above; with a double space, all that calls for them. Most
 * paragraphs need neither, and one character class is several times quicker to test than the patterns above.
 */
const NEEDS_CLEANUP = /[\u0000-\u001F\u007F-\u00A0\u1680\u2000-\u200A\u2028-\u202F\u205F\u2066-\u2069\u3000\uFEFF]/;

/** What the tokenizer's fastForwardTo works on; private in the type declarations, plain fields at run time. */
interface TokenizerState {
  buffer: string;
  index: number;
  offset: number;
}

/**
 * htmlparser2's tokenizer, finding the next `<` (or the end of a comment or CDATA section) with indexOf
 * instead of a loop over the characters in between: that loop was a third of the time spent on an
 * article. The parser's `Tokenizer` option is there to swap the tokenizer.
 */
class QuickTokenizer extends Tokenizer {}
(QuickTokenizer.prototype as unknown as { fastForwardTo: (this: TokenizerState, c: number) => boolean }).fastForwardTo = function (c) {
  const found = this.buffer.indexOf(String.fromCharCode(c), this.index + 1 - this.offset);
  if (found >= 0) {
    this.index = found + this.offset;
    return true;
  }
  // As the original: the parse loop moves past the last character itself.
  this.index = this.buffer.length + this.offset - 1;
  return false;
};

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
  const parser = new Parser(text, { decodeEntities: false, lowerCaseTags: true, Tokenizer: QuickTokenizer });
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
    if (NEEDS_CLEANUP.test(text) || text.includes('  ')) text = c1AsWindows1252(text).replace(COLLAPSIBLE, ' ').replace(UNSAFE, '');
    text = text.trim();
    if (text) this.paragraphs.push(text);
  }
}
