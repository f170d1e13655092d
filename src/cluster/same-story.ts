import type { Fingerprint } from './fingerprint.ts';
import { anchorShingles } from './anchors.ts';
import { jaccard } from './shingles.ts';

export interface StorySettings {
  /** Reports further apart than this are never one story. */
  windowMs: number;
}

export interface StoryVerdict {
  same: boolean;
  /** 0–1: shingle similarity for reports in one language, anchor coverage across languages. */
  score: number;
  /** Why, in words a user can follow. */
  reason: string;
}

/** Shingle similarity (the better of title and title + lead) from which reports in one language are one story. */
export const SAME_LANGUAGE_THRESHOLD = { zh: 0.3, en: 0.3 } as const;
/** Shingle similarity, leaving out the shared names, enough when a headline names a model or name the other report does. */
export const ANCHORED_THRESHOLD = 0.1;
/** How many of the Chinese report's anchors the English one must contain. */
export const CROSS_LANGUAGE_COVERAGE = 0.5;

/**
 * Whether two reports tell the same story. Conservative: a wrong merge hides news, a missed one only
 * costs an extra alert. Reports in one language are compared on shingles; across languages only
 * anchors (names, models, amounts) can be compared, so more of them must agree.
 */
export function sameStory(a: Fingerprint, b: Fingerprint, settings: StorySettings): StoryVerdict {
  const hours = Math.abs(a.publishedAt - b.publishedAt) / 3_600_000;
  if (hours * 3_600_000 > settings.windowMs) return { same: false, score: 0, reason: `published ${Math.round(hours)} h apart` };
  const conflict = conflictOf(a, b);
  if (conflict) return { same: false, score: 0, reason: conflict };
  const crossLanguage = (a.lang === 'zh') !== (b.lang === 'zh');
  return crossLanguage ? acrossLanguages(a.lang === 'zh' ? a : b, a.lang === 'zh' ? b : a) : withinLanguage(a, b);
}

function withinLanguage(a: Fingerprint, b: Fingerprint): StoryVerdict {
  const score = Math.max(jaccard(a.title, b.title), jaccard(a.text, b.text));
  const threshold = a.lang === 'zh' ? SAME_LANGUAGE_THRESHOLD.zh : SAME_LANGUAGE_THRESHOLD.en;
  const rounded = Math.round(score * 100) / 100;
  if (score >= threshold) return { same: true, score, reason: `similar wording (${rounded} ≥ ${threshold})` };
  // Outlets word one story differently; the names and models in its headline stay. The rest of the
  // wording must still agree a little: "GPT-5 jailbroken" and "GPT-5 tops a leaderboard" share only GPT-5.
  const named = sharedHeadlineNames(a, b);
  const without = new Set(named.flatMap(anchorShingles));
  const rest = Math.max(jaccard(minus(a.title, without), minus(b.title, without)), jaccard(minus(a.text, without), minus(b.text, without)));
  if (named.length >= 1) {
    const names = named.map((n) => n.replace(/^m:/, '')).join(', ');
    if (rest >= ANCHORED_THRESHOLD) return { same: true, score, reason: `the same ${names} in the headline, and similar wording besides (${Math.round(rest * 100) / 100} ≥ ${ANCHORED_THRESHOLD})` };
    const event = [...a.titleAnchors.events].find((kind) => b.titleAnchors.events.has(kind));
    if (event) return { same: true, score, reason: `the same ${names} in the headline, and the same kind of news (${event})` };
    // A headline that is nothing but the name ("GPT-6 (openai.com)") announces the thing itself.
    if (minus(a.title, without).size === 0 || minus(b.title, without).size === 0) return { same: true, score, reason: `the same ${names}, which one headline gives alone` };
  }
  return { same: false, score, reason: `wording too different (${rounded} < ${threshold})` };
}

/**
 * The models and names one headline shares with the other report (headline or lead): names as either
 * report writes them (a Title Case headline hides which words are names; its lead does not).
 */
function sharedHeadlineNames(a: Fingerprint, b: Fingerprint): string[] {
  const specific = new Set([...a.anchors.specific, ...b.anchors.specific]);
  const shared = new Set([...a.titleAnchors.all].filter((x) => b.anchors.all.has(x)).concat([...b.titleAnchors.all].filter((x) => a.anchors.all.has(x))));
  return [...shared].filter((anchor) => specific.has(anchor) && !/^[a-z]{3}:/.test(anchor));
}

/** The names a headline gives: those it shows as names, and its words its own lead shows as names. */
function headlineNames(print: Fingerprint): Set<string> {
  return new Set([...print.titleAnchors.all].filter((word) => !word.includes(':') && (print.titleAnchors.names.has(word) || print.anchors.names.has(word))));
}

function minus(set: Set<string>, without: Set<string>): Set<string> {
  return without.size ? new Set([...set].filter((x) => !without.has(x))) : set;
}

function acrossLanguages(zh: Fingerprint, other: Fingerprint): StoryVerdict {
  const wanted = zh.anchors.all;
  const shared = [...wanted].filter((anchor) => other.anchors.all.has(anchor));
  const specific = shared.filter((anchor) => zh.anchors.specific.has(anchor));
  const coverage = wanted.size ? shared.length / wanted.size : 0;
  const names = shared.map((anchor) => anchor.replace(/^m:/, '')).join(', ');
  // Two anchors must agree, one of them specific; or a model both headlines name, in headlines that
  // tell the same kind of news (a launch, not a launch and a review of it).
  const headlineModel = specific.some((anchor) => anchor.startsWith('m:') && zh.titleAnchors.all.has(anchor) && other.titleAnchors.all.has(anchor));
  const sameKind = [...zh.titleAnchors.events].some((kind) => other.titleAnchors.events.has(kind));
  if (coverage >= CROSS_LANGUAGE_COVERAGE && ((shared.length >= 2 && specific.length >= 1) || (headlineModel && sameKind))) {
    return { same: true, score: coverage, reason: `the same ${names} within ${Math.round(Math.abs(zh.publishedAt - other.publishedAt) / 3_600_000)} h` };
  }
  return { same: false, score: coverage, reason: shared.length ? `only ${names} in common` : 'nothing in common across languages' };
}

/**
 * What makes two reports different stories however alike their words: different models in the headlines
 * (GPT-5 and GPT-5 mini), different companies, different days (two issues of a daily digest), different
 * kinds of event (a funding round and a lawsuit), different amounts.
 */
function conflictOf(a: Fingerprint, b: Fingerprint): string | null {
  const [ta, tb] = [a.titleAnchors, b.titleAnchors];
  // Each headline's first model is what it is about: GPT-6 mini is not GPT-6, even if its headline compares the two.
  const [ma, mb] = [ta.models.values().next().value, tb.models.values().next().value];
  if (ma && mb && (!tb.models.has(ma) || !ta.models.has(mb))) return `different models (${ma} / ${mb})`;
  // Two headlines naming different companies or people, neither named anywhere in the other report.
  const [na, nb] = [headlineNames(a), headlineNames(b)];
  if (na.size && nb.size && disjoint(na, b.anchors.all) && disjoint(nb, a.anchors.all)) return `different names (${[...na].join(', ')} / ${[...nb].join(', ')})`;
  if (ta.dates.size && tb.dates.size && disjoint(ta.dates, tb.dates)) return `different dates (${[...ta.dates].join(', ')} / ${[...tb.dates].join(', ')})`;
  if (ta.events.size && tb.events.size && disjoint(ta.events, tb.events)) return `different events (${[...ta.events].join(', ')} / ${[...tb.events].join(', ')})`;
  const currencies = new Set([...ta.amounts].map(currencyOf).filter((c) => [...tb.amounts].some((amount) => currencyOf(amount) === c)));
  for (const currency of currencies) {
    const [x, y] = [[...ta.amounts].filter((v) => currencyOf(v) === currency), [...tb.amounts].filter((v) => currencyOf(v) === currency)];
    if (x.every((amount) => !y.includes(amount))) return `different amounts (${x.join(', ')} / ${y.join(', ')})`;
  }
  return null;
}

function currencyOf(amount: string): string {
  return amount.slice(0, amount.indexOf(':'));
}

function disjoint(a: Set<string>, b: Set<string>): boolean {
  for (const value of a) if (b.has(value)) return false;
  return true;
}
