/** The sax parser's event handlers, as xml2js sets them. */
export interface SaxHandlers {
  onopentag(node: SaxTag): void;
  ontext(text: string): void;
  oncdata(text: string): void;
  onclosetag(name: string): void;
}

interface SaxTag {
  name: string;
  attributes: Record<string, string>;
  isSelfClosing?: boolean;
}

/** Where the whole text of a title that holds child elements is put, as a child element no XML can name. */
export const TEXT_KEY = '#text';
/** Where the markup, in document order, of a body that holds child elements is put. */
export const MARKUP_KEY = '#markup';

const TEXT_ELEMENTS = new Set(['title', 'media:title']);
const MARKUP_ELEMENTS = new Set(['content', 'summary', 'description', 'content:encoded', 'media:description']);
/** Children whose text is no part of a title's. */
const NOT_TEXT = new Set(['script', 'style']);

/**
 * xml2js splits an element that holds child elements: its own text goes in one field and each kind of
 * child in another, so the order is lost. "Hello <b>world</b> again" becomes "Hello  again" and a `b`,
 * and an XHTML body comes back with its paragraphs' links and emphasis moved to their ends. This follows
 * the sax events under xml2js and, for a title or body that turns out to hold elements, hands xml2js one
 * more child element: the title's whole text (TEXT_KEY), or the body's markup as written (MARKUP_KEY).
 * Elements without children, nearly all of them, cost a few array pushes.
 */
export function keepMixedContent(sax: SaxHandlers): void {
  const { onopentag: open, ontext: text, oncdata: cdata, onclosetag: close } = sax;
  let capture: Capture | null = null;
  sax.onopentag = (node) => {
    if (capture) capture.open(node);
    else if (TEXT_ELEMENTS.has(node.name)) capture = new Capture(TEXT_KEY, false);
    else if (MARKUP_ELEMENTS.has(node.name)) capture = new Capture(MARKUP_KEY, isXhtml(node.attributes));
    open(node);
  };
  sax.ontext = (value) => {
    capture?.text(value);
    text(value);
  };
  sax.oncdata = (value) => {
    capture?.text(value);
    cdata(value);
  };
  sax.onclosetag = (name) => {
    if (capture?.close(name)) {
      const { key, value } = capture;
      capture = null;
      if (value !== null) {
        open({ name: key, attributes: {} });
        text(value);
        close(key);
      }
    }
    close(name);
  };
}

/** Atom's XHTML (and Atom 0.3's inline XML) bodies hold text as text; RSS and HTML bodies hold HTML source. */
function isXhtml(attributes: Record<string, string>): boolean {
  const type = attributes.type?.toLowerCase();
  return type === 'xhtml' || type === 'application/xhtml+xml' || attributes.mode === 'xml';
}

class Capture {
  private readonly parts: string[] = [];
  private depth = 0;
  private mixed = false;
  /** Depth of the script or style element being skipped (titles), or of a self-closing tag already written (bodies). */
  private skipAt = 0;

  constructor(
    readonly key: string,
    private readonly escapeText: boolean,
  ) {}

  open(node: SaxTag): void {
    this.depth++;
    if (!this.mixed) {
      this.mixed = true;
      if (this.escapeText) for (let i = 0; i < this.parts.length; i++) this.parts[i] = escapeXml(this.parts[i]!);
    }
    if (this.key === TEXT_KEY) {
      if (!this.skipAt && NOT_TEXT.has(node.name.toLowerCase())) this.skipAt = this.depth;
      return;
    }
    let tag = `<${node.name}`;
    for (const [name, value] of Object.entries(node.attributes)) tag += ` ${name}="${escapeXml(value).replace(/"/g, '&quot;')}"`;
    if (node.isSelfClosing) this.skipAt = this.depth;
    this.parts.push(node.isSelfClosing ? `${tag}/>` : `${tag}>`);
  }

  text(value: string): void {
    if (this.skipAt && this.key === TEXT_KEY) return;
    this.parts.push(this.mixed && this.escapeText ? escapeXml(value) : value);
  }

  /** True when the captured element itself closes. */
  close(name: string): boolean {
    if (this.depth === 0) return true;
    if (this.skipAt === this.depth) this.skipAt = 0;
    else if (this.key === MARKUP_KEY) this.parts.push(`</${name}>`);
    this.depth--;
    return false;
  }

  /** The whole text or markup, or null for an element without children, which xml2js reads right. */
  get value(): string | null {
    return this.mixed ? this.parts.join('') : null;
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
