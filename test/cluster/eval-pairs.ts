// Labelled pairs of news items for measuring the story clustering (see evaluate.ts and eval-run.ts).
// The events are invented but plausible 2026 AI news, written the way the named outlets write.
// The data lives in three part files, one per kind of pair.
import { ZH_PAIRS } from './eval-pairs-zh.ts';
import { EN_PAIRS } from './eval-pairs-en.ts';
import { CROSS_PAIRS } from './eval-pairs-cross.ts';
import type { EvalPair } from './eval-types.ts';

export const EVAL_PAIRS: EvalPair[] = [...ZH_PAIRS, ...EN_PAIRS, ...CROSS_PAIRS];
