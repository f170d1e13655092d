// Labelled pairs of news items for measuring the story clustering (see evaluate.ts and eval-run.ts).
// The events are invented but plausible 2026 AI news, written the way the named outlets write.
// The data lives in three part files, one per kind of pair.
import { ZH_PAIRS } from './eval-pairs-zh.ts';
import { EN_PAIRS } from './eval-pairs-en.ts';
import { CROSS_PAIRS } from './eval-pairs-cross.ts';

/** One news item as a feed delivers it. */
export interface EvalItem {
  title: string;
  /** The article's first sentence or two, as the feed's description gives it ('' when the feed has none, like Hacker News). */
  lead: string;
  source: string;
  lang: 'zh' | 'en';
  /** ISO 8601 */
  publishedAt: string;
}

export interface EvalPair {
  a: EvalItem;
  b: EvalItem;
  /** true when both report the same news event */
  same: boolean;
  kind: 'zh-zh' | 'en-en' | 'zh-en';
  /** what the pair tests, e.g. 'hard negative: GPT-5 vs GPT-5 mini' */
  note: string;
}

export const EVAL_PAIRS: EvalPair[] = [...ZH_PAIRS, ...EN_PAIRS, ...CROSS_PAIRS];
