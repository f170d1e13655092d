/** Abbreviations after which a full stop does not end an English sentence. */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'vs', 'etc', 'inc', 'ltd', 'co', 'corp', 'no', 'fig', 'al', 'approx',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'e.g', 'i.e', 'u.s', 'u.k', 'u.n', 'a.m', 'p.m',
]);

/** Chinese ends a sentence with 。！？； or …… (ASCII ! and ? too), closing quotes included. */
const CJK_END = /[。！？；!?]+|…{1,2}|\.{3,}/;
const CLOSERS = /^[”’」』）)】"'\s]*/;

/**
 * Splits text into sentences, right for Chinese and English: Chinese sentence ends, and English full
 * stops that end a sentence, not those of abbreviations (U.S., e.g., Dr.), decimals (4.5) or versions
 * (GPT-4.5). Paragraph breaks always end a sentence.
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const paragraph of text.split(/\n+/)) {
    let rest = paragraph.trim();
    while (rest) {
      const end = sentenceEnd(rest);
      const sentence = rest.slice(0, end).trim();
      if (sentence) sentences.push(sentence);
      rest = rest.slice(end).trim();
    }
  }
  return sentences;
}

/** Index just past the end of the first sentence of `text` (its length when there is no end). */
function sentenceEnd(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    const cjk = CJK_END.exec(text.slice(i, i + 3));
    if (cjk && cjk.index === 0 && char !== '.') return i + cjk[0].length + (CLOSERS.exec(text.slice(i + cjk[0].length))?.[0].length ?? 0);
    if (char === '.' && endsEnglishSentence(text, i)) return i + 1 + (CLOSERS.exec(text.slice(i + 1))?.[0].length ?? 0);
  }
  return text.length;
}

function endsEnglishSentence(text: string, dot: number): boolean {
  const next = text.slice(dot + 1);
  if (next.startsWith('..')) return false;
  // "4.5", "GPT-4.5", "example.com": no space after the dot.
  if (next !== '' && !/^[\s”’"')\]]/.test(next)) return false;
  const word = /([A-Za-z.]+)$/.exec(text.slice(0, dot))?.[1] ?? '';
  if (ABBREVIATIONS.has(word.toLowerCase())) return false;
  // A single capital, as in "J. K. Rowling".
  if (/^[A-Z]$/.test(word)) return false;
  // The next sentence starts with a capital, a digit, a quote or CJK; "e.g. the" does not.
  const following = next.replace(/^[\s”’"')\]]+/, '');
  return following === '' || /^[A-Z0-9"“‘'(\[\u3400-\u9FFF]/.test(following);
}
