/** One link of an HTTP `Link` header: its target, resolved, and its relation types, lower-cased. */
export interface HeaderLink {
  href: string;
  rels: string[];
}

/**
 * The links of HTTP `Link` header fields (RFC 8288 §3), each resolved against `base`, in the order
 * given. A server may send several links in one field, separated by commas, or several fields; a
 * parameter's value may be a token or a quoted string, which may itself hold commas and semicolons, so
 * the fields are read character by character rather than split. Relation types are compared without
 * regard to case (§2.1), and only a link's first `rel` counts (§3.3). A link whose `anchor` names
 * another resource says nothing about this one and is left out, as is one whose target is no URL.
 */
export function parseLinkHeader(fields: string | string[] | undefined, base: string): HeaderLink[] {
  const links: HeaderLink[] = [];
  for (const field of typeof fields === 'string' ? [fields] : (fields ?? [])) {
    for (const raw of new FieldReader(field).links()) {
      const href = resolve(raw.target, base);
      const anchor = raw.params.get('anchor');
      if (href === null || (anchor !== undefined && resolve(anchor, base) !== resolve('', base))) continue;
      links.push({ href, rels: (raw.params.get('rel') ?? '').toLowerCase().split(/\s+/).filter(Boolean) });
    }
  }
  return links;
}

interface RawLink {
  target: string;
  /** Parameters by lower-cased name, each with its first value. */
  params: Map<string, string>;
}

/** Reads one field value; anything that is not a link is skipped up to the next comma between links. */
class FieldReader {
  private at = 0;

  constructor(private readonly text: string) {}

  *links(): Generator<RawLink> {
    while (this.at < this.text.length) {
      this.skip(/[\s,]/);
      if (this.text[this.at] !== '<') {
        this.skipToNextLink();
        continue;
      }
      const end = this.text.indexOf('>', this.at);
      if (end < 0) return;
      const target = this.text.slice(this.at + 1, end).trim();
      this.at = end + 1;
      yield { target, params: this.params() };
    }
  }

  private params(): Map<string, string> {
    const params = new Map<string, string>();
    for (;;) {
      this.skip(/\s/);
      if (this.text[this.at] !== ';') break;
      this.at++;
      this.skip(/\s/);
      const name = this.token().toLowerCase();
      this.skip(/\s/);
      let value = '';
      if (this.text[this.at] === '=') {
        this.at++;
        this.skip(/\s/);
        value = this.text[this.at] === '"' ? this.quoted() : this.token();
      }
      if (name && !params.has(name)) params.set(name, value);
    }
    this.skipToNextLink();
    return params;
  }

  private token(): string {
    const start = this.at;
    while (this.at < this.text.length && !/[\s;,=]/.test(this.text[this.at]!)) this.at++;
    return this.text.slice(start, this.at);
  }

  /** A quoted string, its backslash escapes undone; one left open runs to the end of the field. */
  private quoted(): string {
    let value = '';
    for (this.at++; this.at < this.text.length; this.at++) {
      const char = this.text[this.at]!;
      if (char === '"') {
        this.at++;
        break;
      }
      value += char === '\\' ? (this.text[++this.at] ?? '') : char;
    }
    return value;
  }

  private skip(chars: RegExp): void {
    while (this.at < this.text.length && chars.test(this.text[this.at]!)) this.at++;
  }

  /** Past the comma that ends this link, minding commas inside quoted strings and the target. */
  private skipToNextLink(): void {
    while (this.at < this.text.length && this.text[this.at] !== ',') {
      if (this.text[this.at] === '"') this.quoted();
      else if (this.text[this.at] === '<') this.at = this.text.includes('>', this.at) ? this.text.indexOf('>', this.at) + 1 : this.text.length;
      else this.at++;
    }
  }
}

function resolve(reference: string, base: string): string | null {
  try {
    return new URL(reference, base).href;
  } catch {
    return null;
  }
}
