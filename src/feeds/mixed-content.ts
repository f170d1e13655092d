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
  // The title or body being read, as plain variables rather than an object: these handlers run for
  // every tag and text of the feed.
  let inside: 'nothing' | 'title' | 'body' | 'xhtml body' = 'nothing';
  let depth = 0;
  /** The depth of a script or style in a title, or of a self-closing tag in a body, being passed over. */
  let passing = 0;
  let marked = false;

  sax.onopentag = (node) => {
    if (inside === 'nothing') {
      if (TEXT_ELEMENTS.has(node.name)) inside = 'title';
      else if (MARKUP_ELEMENTS.has(node.name)) inside = declaredXhtml(node.attributes) ? 'xhtml body' : 'body';
      marked = false;
      open(node);
      return;
    }
    depth++;
    if (!marked && inside !== 'title') {
      marked = true;
      open({ name: HAD_ELEMENTS, attributes: {} });
      close(HAD_ELEMENTS);
    }
    if (passing) return;
    if (inside === 'title') {
      if (NOT_TEXT.has(node.name.toLowerCase())) passing = depth;
      return;
    }
    if (node.isSelfClosing) passing = depth;
    text(startTag(node));
  };
  sax.ontext = (value) => {
    if (inside === 'nothing') text(value);
    else if (!passing) text(inside === 'xhtml body' ? escapeXml(value) : value);
  };
  sax.oncdata = (value) => {
    if (inside === 'nothing') cdata(value);
    else if (!passing) cdata(inside === 'xhtml body' ? escapeXml(value) : value);
  };
  sax.onclosetag = (name) => {
    if (inside === 'nothing' || depth === 0) {
      inside = 'nothing';
      close(name);
      return;
    }
    if (passing === depth) passing = 0;
    else if (inside !== 'title' && !passing) text(`</${name}>`);
    depth--;
  };
}

function startTag(node: SaxTag): string {
  let tag = `<${node.name}`;
  for (const [name, value] of Object.entries(node.attributes)) tag += ` ${name}="${escapeXml(value).replace(/"/g, '&quot;')}"`;
  return node.isSelfClosing ? `${tag}/>` : `${tag}>`;
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
