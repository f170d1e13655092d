import { fingerprint } from '../../src/cluster/fingerprint.ts';
import { sameStory } from '../../src/cluster/same-story.ts';
import type { EvalItem, EvalPair } from './eval-types.ts';

export interface Scores {
  pairs: number;
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

export interface Evaluation {
  sameLanguage: Scores;
  byKind: Record<EvalPair['kind'], Scores>;
  mistakes: { pair: EvalPair; predicted: boolean; reason: string }[];
}

const WINDOW_MS = 48 * 3_600_000;

function fingerprintOf(item: EvalItem) {
  return fingerprint({ title: item.title, lead: item.lead, lang: item.lang, publishedAt: Date.parse(item.publishedAt) });
}

/** Precision, recall and F1 of the story verdict over the labelled pairs, overall for one language and by kind. */
export function evaluate(pairs: EvalPair[]): Evaluation {
  const verdicts = pairs.map((pair) => ({ pair, verdict: sameStory(fingerprintOf(pair.a), fingerprintOf(pair.b), { windowMs: WINDOW_MS }) }));
  const score = (subset: typeof verdicts): Scores => {
    const truePositives = subset.filter(({ pair, verdict }) => pair.same && verdict.same).length;
    const falsePositives = subset.filter(({ pair, verdict }) => !pair.same && verdict.same).length;
    const falseNegatives = subset.filter(({ pair, verdict }) => pair.same && !verdict.same).length;
    const precision = truePositives + falsePositives ? truePositives / (truePositives + falsePositives) : 1;
    const recall = truePositives + falseNegatives ? truePositives / (truePositives + falseNegatives) : 1;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { pairs: subset.length, precision, recall, f1, truePositives, falsePositives, falseNegatives };
  };
  const kinds = ['zh-zh', 'en-en', 'zh-en'] as const;
  return {
    sameLanguage: score(verdicts.filter(({ pair }) => pair.kind !== 'zh-en')),
    byKind: Object.fromEntries(kinds.map((kind) => [kind, score(verdicts.filter(({ pair }) => pair.kind === kind))])) as Evaluation['byKind'],
    mistakes: verdicts.filter(({ pair, verdict }) => pair.same !== verdict.same).map(({ pair, verdict }) => ({ pair, predicted: verdict.same, reason: verdict.reason })),
  };
}
