import { WatchMatcher, type WatchDefinition } from '../src/match/matcher.ts';
import { Vocabulary } from './vocabulary.ts';

const WATCHES = 10_000;
const REGEX_WATCHES = 1_000;
const CHANNELS = 1_000;
const ITEMS = 100_000;
const NAIVE_ITEMS = 2_000;

/** Watches as people write them: single words, two-word phrases, Chinese words, some exclusions and sources. */
function watches(vocabulary: Vocabulary): WatchDefinition[] {
  return Array.from({ length: WATCHES }, (_, i) => {
    const zh = i % 3 === 0;
    // Watches lean to less common words than the text: nobody watches "the".
    const pick = () => (zh ? vocabulary.chinese : vocabulary.english)[50 + Math.floor(vocabulary.random() * 20_000)]!;
    let query = i % 5 === 0 && !zh ? `"${pick()} ${pick()}"` : pick();
    if (i % 7 === 0) query += ` -${pick()}`;
    if (i % 11 === 0) query += ' source:bench';
    return { id: i + 1, channel: `console:c${i % CHANNELS}`, query };
  });
}

/**
 * Regex watches as people write them: model names with versions, two words near each other, Chinese
 * alternatives, and one with no fixed text to look for (model sizes such as 70B), run on every item.
 */
function regexWatches(vocabulary: Vocabulary): string[] {
  const fixed = ['/gpt-?\\d(\\.\\d+)?/i', '/claude[- ]?\\d/i', '/大模型|通义千问/', '/\\b\\d{2,3}[bm]\\b/i', '/\\$\\d+(\\.\\d+)? ?(m|bn?)\\b/i'];
  const en = () => vocabulary.english[50 + Math.floor(vocabulary.random() * 20_000)]!;
  const zh = () => vocabulary.chinese[50 + Math.floor(vocabulary.random() * 20_000)]!;
  const shapes = [
    () => `/${en()}-?\\d(\\.\\d+)?/i`,
    () => `/${en()}[- ]?\\d/i`,
    () => `/${zh()}|${zh()}/`,
    () => `/\\b${en()}s?\\b/i`,
    () => `/${en()}.{0,30}${en()}/i`,
    () => `/(${en()}|${en()}) ${en()}/i`,
    () => `/${zh()}.{0,10}${zh()}/`,
    () => `/${en()}/`,
  ];
  return Array.from({ length: REGEX_WATCHES }, (_, i) => fixed[i] ?? shapes[i % shapes.length]!());
}

function naiveMatcher(defs: WatchDefinition[]): (text: string) => number {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const compiled = defs.map((w) => {
    const terms = w.query.match(/-?"[^"]*"|\S+/g)!.filter((t) => !t.startsWith('source:'));
    const regex = (t: string) => {
      const bare = t.replace(/^-/, '').replace(/"/g, '');
      return /[\u4e00-\u9fff]/.test(bare) ? new RegExp(escape(bare)) : new RegExp(`\\b${escape(bare)}\\b`, 'i');
    };
    return { include: terms.filter((t) => !t.startsWith('-')).map(regex), exclude: terms.filter((t) => t.startsWith('-')).map(regex) };
  });
  return (text) => compiled.filter((w) => w.include.every((r) => r.test(text)) && !w.exclude.some((r) => r.test(text))).length;
}

export async function matchBenchmark(): Promise<void> {
  const vocabulary = new Vocabulary();
  const defs = watches(vocabulary);
  const items = Array.from({ length: ITEMS }, (_, i) => {
    const zh = i % 2 === 0;
    const sep = zh ? '' : ' ';
    return { title: vocabulary.words(10, zh).join(sep), body: vocabulary.words(40, zh).join(sep), sources: ['Bench', 'https://bench.example/feed'] };
  });

  let start = performance.now();
  const matcher = new WatchMatcher(defs);
  const compileMs = performance.now() - start;

  start = performance.now();
  let alerts = 0;
  for (const item of items) alerts += matcher.match(item).length;
  const compiledMs = performance.now() - start;

  // The first watch of each channel a regular expression: one in ten of them, next to nine keyword watches.
  const patterns = regexWatches(vocabulary);
  const mixed = defs.map((watch, i) => (i < REGEX_WATCHES ? { ...watch, query: patterns[i]! } : watch));
  start = performance.now();
  const regexMatcher = new WatchMatcher(mixed);
  const regexCompileMs = performance.now() - start;
  start = performance.now();
  let regexAlerts = 0;
  for (const item of items) regexAlerts += regexMatcher.match(item).length;
  const regexMs = performance.now() - start;

  const naive = naiveMatcher(defs);
  start = performance.now();
  for (const item of items.slice(0, NAIVE_ITEMS)) naive(`${item.title}\n${item.body}`);
  const naiveMs = performance.now() - start;

  const compiledRate = ITEMS / (compiledMs / 1000);
  const naiveRate = NAIVE_ITEMS / (naiveMs / 1000);
  console.log(`match: ${WATCHES.toLocaleString('en')} watches in ${CHANNELS.toLocaleString('en')} channels against ${ITEMS.toLocaleString('en')} items (half Chinese, ~50 words each)`);
  console.log(`  compile ${compileMs.toFixed(0)} ms; ${alerts.toLocaleString('en')} channel alerts`);
  console.log(`  compiled matcher   ${compiledRate.toFixed(0)} items/s   (target ≥ 20,000)`);
  console.log(
    `  with ${REGEX_WATCHES.toLocaleString('en')} of the watches regular expressions   ${(ITEMS / (regexMs / 1000)).toFixed(0)} items/s   (target ≥ 20,000); compile ${regexCompileMs.toFixed(0)} ms, ${regexAlerts.toLocaleString('en')} channel alerts`,
  );
  console.log(`  naive, a regex per watch per item (${NAIVE_ITEMS.toLocaleString('en')} items)   ${naiveRate.toFixed(0)} items/s   → ${(compiledRate / naiveRate).toFixed(0)}× faster (target ≥ 20×)`);
}
