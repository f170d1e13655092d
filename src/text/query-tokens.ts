export interface QueryToken {
  text: string;
  quoted: boolean;
  /** Written with a leading minus: `-word` or `-"a phrase"`. */
  negated: boolean;
}

/** Splits what was typed into words and "quoted phrases"; a quote left open runs to the end. */
export function splitQueryText(text: string): QueryToken[] {
  const tokens: QueryToken[] = [];
  for (const [, negQuote, quoted, bare] of text.matchAll(/(-?)"([^"]*)(?:"|$)|(\S+)/g)) {
    if (quoted !== undefined) tokens.push({ text: quoted, quoted: true, negated: negQuote === '-' });
    else if (bare!.length > 1 && bare!.startsWith('-')) tokens.push({ text: bare!.slice(1), quoted: false, negated: true });
    else tokens.push({ text: bare!, quoted: false, negated: false });
  }
  return tokens;
}
