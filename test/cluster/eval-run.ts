// npm run eval: the story clustering's precision, recall and F1 on the labelled pairs of eval-pairs.ts.
// --mistakes lists the pairs it gets wrong.
import { ANCHORED_THRESHOLD, CROSS_LANGUAGE_COVERAGE, SAME_LANGUAGE_THRESHOLD } from '../../src/cluster/same-story.ts';
import { EVAL_PAIRS } from './eval-pairs.ts';
import { evaluate, type Scores } from './evaluate.ts';

const result = evaluate(EVAL_PAIRS);
const line = (label: string, s: Scores) =>
  `${label.padEnd(22)} ${String(s.pairs).padStart(5)}  ${s.precision.toFixed(3)}     ${s.recall.toFixed(3)}   ${s.f1.toFixed(3)}   (${s.truePositives} right, ${s.falsePositives} wrong merges, ${s.falseNegatives} missed)`;
console.log(`Story clustering on ${EVAL_PAIRS.length} labelled pairs (test/cluster/eval-pairs.ts)`);
console.log(
  `thresholds: same language ≥ ${SAME_LANGUAGE_THRESHOLD.zh} (zh) / ${SAME_LANGUAGE_THRESHOLD.en} (en) shingle Jaccard, or ≥ ${ANCHORED_THRESHOLD} besides a shared headline name; ` +
    `across languages ≥ ${CROSS_LANGUAGE_COVERAGE} anchor coverage`,
);
console.log(`${'pairs'.padEnd(22)} ${'n'.padStart(5)}  precision recall  F1`);
console.log(line('same language', result.sameLanguage));
for (const [kind, scores] of Object.entries(result.byKind)) console.log(line(`  ${kind}`, scores));
if (process.argv.includes('--mistakes')) {
  for (const { pair, predicted, reason } of result.mistakes) {
    console.log(`\n${predicted ? 'WRONG MERGE' : 'MISSED'} [${pair.kind}] ${pair.note}\n  a: ${pair.a.title}\n  b: ${pair.b.title}\n  verdict: ${reason}`);
  }
}
