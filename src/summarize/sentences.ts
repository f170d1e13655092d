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
 * (GPT-4.5). Paragraph breaks always end a sentence. One pass over the text; stops after `max` sentences.
 */
export function splitSentences(text: string, max = Infinity): string[] {
  const sentences: string[] = [];
  for (const paragraph of text.split(/\n+/)) {
    let start = 0;
    for (let i = 0; i < paragraph.length && sentences.length < max; i++) {
      const end = endAt(paragraph, i);
      if (end === null) continue;
      const sentence = paragraph.slice(start, end).trim();
      if (sentence) sentences.push(sentence);
      start = end;
      i = end - 1;
    }
    const last = paragraph.slice(start).trim();
    if (last && sentences.length < max) sentences.push(last);
    if (sentences.length >= max) break;
  }
  return sentences;
}

/** When a sentence ends at index `i`: the index just past it (closing quotes included), else null. */
function endAt(text: string, i: number): number | null {
  const char = text[i]!;
  let end: number | null = null;
  if (char !== '.') {
    const mark = CJK_END.exec(text.slice(i, i + 3));
    if (mark && mark.index === 0) end = i + mark[0].length;
  } else if (endsEnglishSentence(text, i)) end = i + 1;
  if (end === null) return null;
  return end + (CLOSERS.exec(text.slice(end, end + 8))?.[0].length ?? 0);
}

function endsEnglishSentence(text: string, dot: number): boolean {
  // Only a little context either side is read, so that splitting stays linear in the text.
  const next = text.slice(dot + 1, dot + 12);
  if (next.startsWith('..')) return false;
  // "4.5", "GPT-4.5", "example.com": no space after the dot.
  if (next !== '' && !/^[\s”’"')\]]/.test(next)) return false;
  const word = /([A-Za-z.]+)$/.exec(text.slice(Math.max(0, dot - 12), dot))?.[1] ?? '';
  if (ABBREVIATIONS.has(word.toLowerCase())) return false;
  // A single capital, as in "J. K. Rowling".
  if (/^[A-Z]$/.test(word)) return false;
  // The next sentence starts with a capital, a digit, a quote or CJK; "e.g. the" does not.
  const following = next.replace(/^[\s”’"')\]]+/, '');
  return following === '' || /^[A-Z0-9"“‘'(\[\u3400-\u9FFF]/.test(following);
}
