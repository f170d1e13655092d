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

/** A child no XML can name, added to a body that held elements: its text is then markup, whatever its type says. */
export const HAD_ELEMENTS = '#elements';

const TEXT_ELEMENTS = new Set(['title', 'media:title']);
const MARKUP_ELEMENTS = new Set(['content', 'summary', 'description', 'content:encoded', 'media:description']);
/** Elements whose text is no part of a title's. */
const NOT_TEXT = new Set(['script', 'style']);

/**
 * xml2js splits an element that holds child elements: its own text in one field, each kind of child in
 * another, the order lost. "Hello <b>world</b> again" became "Hello  again" and a `b`, and an XHTML body
 * came back with its links and emphasis moved to the ends of their paragraphs. Between sax and xml2js,
 * this hands xml2js the children of a title as its text (the whole text, in order, less any script or
 * style), and those of a body as its markup, written out as it stands; XHTML's text is escaped, so
 * that the body is HTML either way. Elements without children, nearly all, pass through untouched.
 */
export function flattenMixedContent(sax: SaxHandlers): void {
  const { onopentag: open, ontext: text, oncdata: cdata, onclosetag: close } = sax;
  let inside: Flattening | null = null;
  sax.onopentag = (node) => {
    if (inside) return inside.open(node);
    if (TEXT_ELEMENTS.has(node.name)) inside = new Flattening(false, false);
    else if (MARKUP_ELEMENTS.has(node.name)) inside = new Flattening(true, declaredXhtml(node.attributes));
    open(node);
  };
  sax.ontext = (value) => {
    if (!inside) text(value);
    else if (inside.keeps()) text(inside.escape(value));
  };
  sax.oncdata = (value) => {
    if (!inside) cdata(value);
    else if (inside.keeps()) cdata(inside.escape(value));
  };
  sax.onclosetag = (name) => {
    if (!inside || inside.close(name)) {
      inside = null;
      close(name);
    }
  };

  class Flattening {
    private depth = 0;
    /** The depth of a script or style in a title, or of a self-closing tag in a body, being passed over. */
    private passing = 0;

    constructor(
      private readonly markup: boolean,
      private readonly xhtml: boolean,
    ) {}

    open(node: SaxTag): void {
      if (this.depth++ === 0 && this.markup) {
        open({ name: HAD_ELEMENTS, attributes: {} });
        close(HAD_ELEMENTS);
      }
      if (this.passing) return;
      if (!this.markup) {
        if (NOT_TEXT.has(node.name.toLowerCase())) this.passing = this.depth;
        return;
      }
      let tag = `<${node.name}`;
      for (const [name, value] of Object.entries(node.attributes)) tag += ` ${name}="${escapeXml(value).replace(/"/g, '&quot;')}"`;
      if (node.isSelfClosing) this.passing = this.depth;
      text(node.isSelfClosing ? `${tag}/>` : `${tag}>`);
    }

    keeps(): boolean {
      return this.passing === 0;
    }

    escape(value: string): string {
      return this.xhtml ? escapeXml(value) : value;
    }

    /** True when the flattened element itself closes. */
    close(name: string): boolean {
      if (this.depth === 0) return true;
      if (this.passing === this.depth) this.passing = 0;
      else if (this.markup && !this.passing) text(`</${name}>`);
      this.depth--;
      return false;
    }
  }
}

/**
 * Whether a body says it is XHTML (Atom's type="xhtml", Atom 0.3's application/xhtml+xml unless escaped):
 * its text is then text, where RSS's and HTML bodies' text is HTML source.
 */
export function declaredXhtml(attributes: Record<string, string> | undefined): boolean {
  const type = attributes?.type?.toLowerCase().trim();
  return (type === 'xhtml' || type === 'application/xhtml+xml') && attributes!.mode?.toLowerCase() !== 'escaped';
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
