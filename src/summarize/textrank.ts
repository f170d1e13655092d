import { segmentWords } from '../text/segment.ts';

const STOPWORDS = new Set([
  'the', 'a', 'an', 'and', 'or', 'of', 'to', 'in', 'on', 'for', 'with', 'at', 'by', 'from', 'as', 'is', 'are', 'was', 'were',
  'be', 'been', 'it', 'its', 'this', 'that', 'these', 'those', 'has', 'have', 'had', 'will', 'would', 'can', 'could', 'but',
  'not', 'we', 'you', 'they', 'he', 'she', 'our', 'their', 'which', 'who', 'said', 's', 'than', 'also', 'more', 'about',
  '的', '了', '和', '是', '在', '也', '与', '及', '等', '将', '对', '为', '中', '上', '这', '那', '其', '并', '或', '被', '把',
]);

const DAMPING = 0.85;
const ITERATIONS = 30;
/** How much more the first sentences count: news puts the point first. */
const LEAD_WEIGHT = 1.5;
/** How much a sentence sharing words with the title counts more: it carries the story's key entity. */
const TITLE_WEIGHT = 1.0;

/** The content words of a sentence, for similarity: segmented, stopwords and one-letter words dropped. */
export function contentWords(sentence: string): Set<string> {
  return new Set(segmentWords(sentence).filter((word) => !STOPWORDS.has(word) && (word.length > 1 || /\d/.test(word))));
}

/**
 * TextRank over sentences: a sentence is important when it shares words with other important
 * sentences. Personalised towards the lead and towards sentences that share words with the title.
 * Returns one score per sentence.
 */
export function rankSentences(sentences: string[], title: string): number[] {
  const n = sentences.length;
  if (n === 0) return [];
  const words = sentences.map(contentWords);
  const titleWords = contentWords(title);
  const weights = words.map((a, i) =>
    words.map((b, j) => {
      if (i === j || a.size === 0 || b.size === 0) return 0;
      let shared = 0;
      for (const word of a) if (b.has(word)) shared++;
      return shared / (Math.log(a.size + 1) + Math.log(b.size + 1));
    }),
  );
  const outgoing = weights.map((row) => row.reduce((sum, w) => sum + w, 0));
  const prior = words.map((set, i) => {
    let inTitle = 0;
    for (const word of set) if (titleWords.has(word)) inTitle++;
    return 1 + LEAD_WEIGHT / (i + 1) + (TITLE_WEIGHT * inTitle) / Math.max(1, titleWords.size);
  });
  const priorSum = prior.reduce((sum, p) => sum + p, 0);
  const personal = prior.map((p) => p / priorSum);
  let scores = personal.slice();
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    scores = personal.map((p, i) => {
      let incoming = 0;
      for (let j = 0; j < n; j++) if (outgoing[j]! > 0) incoming += (weights[j]![i]! / outgoing[j]!) * scores[j]!;
      return (1 - DAMPING) * p + DAMPING * incoming;
    });
  }
  return scores;
}
