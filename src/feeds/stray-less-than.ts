/** CDATA sections and comments, whose `<` are never markup and are left as they are. */
const VERBATIM = /(<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->)/;

const NAME = String.raw`[A-Za-z_:\u00C0-\uFFFF][\w:.\-\u00B7-\uFFFF]*`;
/** What may follow a `<` that is markup: a well-formed start or end tag, a declaration or an instruction. */
const MARKUP = new RegExp(String.raw`<(?:[!?]|${NAME}(?:\s+${NAME}\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>|/${NAME}\s*>)`, 'y');

/**
 * Escapes each `<` that cannot begin markup, as in a title written `a < b and c` or `x<3`, which a strict
 * parser refuses and a browser shows as text. Run only on a document the strict parser refused.
 */
export function escapeStrayLessThan(xml: string): string {
  if (!xml.includes('<')) return xml;
  return xml
    .split(VERBATIM)
    .map((part, i) => (i % 2 === 1 ? part : escapeIn(part)))
    .join('');
}

function escapeIn(text: string): string {
  return text.replace(/</g, (lt, at: number) => {
    MARKUP.lastIndex = at;
    return MARKUP.test(text) ? lt : '&lt;';
  });
}
