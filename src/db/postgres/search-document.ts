import { INDEXED_BODY_CHARS } from '../indexed-text.ts';
import { segmentForIndex } from '../../text/segment.ts';
import { tsLexeme } from '../../text/ts-lexeme.ts';

/** Positions between the title, the body and the sub-words, so that no phrase spans two of them. */
const SECTION_GAP = 100;

/**
 * The `tsvector` PostgreSQL searches an item by: the same words FTS5 indexes (jieba for Chinese, letters
 * split from digits, folded), the title's weighted A, the body's B, the sub-words of long Chinese words C.
 *
 * It is written as a `tsvector` literal rather than through `to_tsvector('simple', …)`: the words are
 * already what the `simple` configuration would keep, and the server's parser decides what a letter is
 * by its locale, which under the C locale drops Chinese characters. Cast with `::tsvector`.
 */
export function searchDocument(title: string, body: string): string {
  const inTitle = segmentForIndex(title);
  const inBody = segmentForIndex(body.slice(0, INDEXED_BODY_CHARS));
  const positions = new Map<string, string[]>();
  let position = 0;
  const place = (words: string[], weight: 'A' | 'B' | 'C') => {
    for (const word of words) {
      position += 1;
      // PostgreSQL keeps positions up to 16383; later words are still found, without a position.
      const at = Math.min(position, 16_383);
      const list = positions.get(word);
      // …and up to 256 positions of a lexeme.
      if (list) {
        if (list.length < 256) list.push(`${at}${weight}`);
      }
      else positions.set(word, [`${at}${weight}`]);
    }
    position += SECTION_GAP;
  };
  place(inTitle.words, 'A');
  place(inBody.words, 'B');
  place([...inTitle.subwords, ...inBody.subwords], 'C');
  return [...positions].map(([word, at]) => `${tsLexeme(word)}:${at.join(',')}`).join(' ');
}
