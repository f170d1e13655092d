import type { RE2JS } from 're2js';
import { joinUnits, sourceMatches, textUnits } from '../text/fold.ts';
import { UnitAutomaton } from './aho-corasick.ts';
import { RegexFilter } from './regex-filter.ts';
import { regexSource, regexText } from './regex-watch.ts';
import { readWatch, WatchSyntaxError, type WatchSpec } from './watch-query.ts';

export interface WatchDefinition {
  id: number;
  channel: string;
  query: string;
}

export interface MatchableItem {
  title: string;
  body: string;
  /** Names and URLs of the feeds that carry the item, for `source:` watches. */
  sources: string[];
}

export type Verdict =
  | { kind: 'match' }
  | { kind: 'missing'; terms: string[]; titleOnly: boolean }
  | { kind: 'no-regex-match'; regex: string; titleOnly: boolean }
  | { kind: 'excluded'; terms: string[] }
  | { kind: 'other-source'; source: string }
  | { kind: 'unreadable'; reason: string };

interface Compiled {
  watch: WatchDefinition;
  spec: WatchSpec;
  includes: number[];
  excludes: number[];
  /** A regex watch's pattern, compiled once, and as `why` shows it. */
  regex: { compiled: RE2JS; source: string } | null;
}

/** What the matcher reads of an item: the keyword automaton's hits, and the text regex watches see. */
interface Scanned {
  title: Set<number>;
  all: Set<number>;
  regexTitle: string;
  regexBody: string;
}

/**
 * All watches compiled into one automaton: each item is scanned once, and only the watches whose terms
 * occur in it are checked further, so the cost barely grows with the number of watches. Regex watches,
 * which no automaton of words can index, are run only on items that hold their literals (RegexFilter).
 */
export class WatchMatcher {
  private readonly automaton = new UnitAutomaton();
  private readonly compiled: Compiled[] = [];
  private readonly byPattern = new Map<number, Compiled[]>();
  private readonly everything: Compiled[] = [];
  private readonly patternIds = new Map<string, number>();
  private readonly regexes = new RegexFilter<Compiled>();
  private readonly unreadable = new Map<WatchDefinition, string>();

  constructor(watches: WatchDefinition[]) {
    for (const watch of watches) {
      const read = this.read(watch);
      if (!read) continue;
      const { spec, compiled } = read;
      const regex = spec.regex && compiled ? { compiled, source: regexSource(spec.regex) } : null;
      const entry: Compiled = { watch, spec, includes: spec.includes.map((t) => this.pattern(t)), excludes: spec.excludes.map((t) => this.pattern(t)), regex };
      this.compiled.push(entry);
      if (spec.all) this.everything.push(entry);
      if (spec.regex && compiled) this.regexes.add(spec.regex, compiled, entry);
      for (const id of new Set(entry.includes)) {
        const list = this.byPattern.get(id) ?? [];
        list.push(entry);
        this.byPattern.set(id, list);
      }
    }
    this.automaton.build();
    this.regexes.build();
  }

  get size(): number {
    return this.compiled.length;
  }

  /** The watches that fire on an item, at most one per channel (the first, by watch id). */
  match(item: MatchableItem): WatchDefinition[] {
    const scanned = this.scan(item);
    const candidates = new Set(this.everything);
    for (const id of scanned.all) for (const entry of this.byPattern.get(id) ?? []) candidates.add(entry);
    // Regex watches after the keyword pass: only those whose literals the item holds are run.
    if (this.regexes.size) this.regexes.candidates(`${scanned.regexTitle}\n${scanned.regexBody}`, candidates);
    const byChannel = new Map<string, WatchDefinition>();
    for (const entry of [...candidates].sort((a, b) => a.watch.id - b.watch.id)) {
      if (byChannel.has(entry.watch.channel)) continue;
      if (this.verdict(entry, item, scanned).kind === 'match') byChannel.set(entry.watch.channel, entry.watch);
    }
    return [...byChannel.values()];
  }

  /** For `why`: what each watch (of `channel`, when given) made of the item. */
  explain(item: MatchableItem, channel?: string): { watch: WatchDefinition; verdict: Verdict }[] {
    const scanned = this.scan(item);
    const verdicts = new Map<WatchDefinition, Verdict>();
    for (const entry of this.compiled) verdicts.set(entry.watch, this.verdict(entry, item, scanned));
    for (const [watch, reason] of this.unreadable) verdicts.set(watch, { kind: 'unreadable', reason });
    return [...verdicts]
      .filter(([watch]) => channel === undefined || watch.channel === channel)
      .sort(([a], [b]) => a.id - b.id)
      .map(([watch, verdict]) => ({ watch, verdict }));
  }

  /**
   * A stored watch that no longer reads (one saved as keywords before `/` began a regex, such as
   * `/r/LocalLLaMA`) must not stop every other watch: it is left out, and `why` says so.
   */
  private read(watch: WatchDefinition): ReturnType<typeof readWatch> | null {
    try {
      return readWatch(watch.query);
    } catch (error) {
      if (!(error instanceof WatchSyntaxError)) throw error;
      this.unreadable.set(watch, error.message);
      return null;
    }
  }

  private scan(item: MatchableItem): Scanned {
    const title = new Set<number>();
    this.automaton.scan(textUnits(item.title), title);
    const all = new Set(title);
    this.automaton.scan(textUnits(item.body), all);
    // Only regex watches read the normalised text: without them, nothing more to do per item.
    if (this.regexes.size === 0) return { title, all, regexTitle: '', regexBody: '' };
    return { title, all, regexTitle: regexText(item.title), regexBody: regexText(item.body) };
  }

  private verdict(entry: Compiled, item: MatchableItem, scanned: Scanned): Verdict {
    const { spec } = entry;
    if (spec.source && !sourceMatches(spec.source, item.sources)) return { kind: 'other-source', source: spec.source };
    const hits = spec.titleOnly ? scanned.title : scanned.all;
    const missing = entry.includes.flatMap((id, i) => (hits.has(id) ? [] : [joinUnits(spec.includes[i]!)]));
    if (missing.length) return { kind: 'missing', terms: missing, titleOnly: spec.titleOnly };
    const { regex } = entry;
    if (regex && !(regex.compiled.test(scanned.regexTitle) || (!spec.titleOnly && regex.compiled.test(scanned.regexBody)))) {
      return { kind: 'no-regex-match', regex: regex.source, titleOnly: spec.titleOnly };
    }
    const excluded = entry.excludes.flatMap((id, i) => (scanned.all.has(id) ? [joinUnits(spec.excludes[i]!)] : []));
    if (excluded.length) return { kind: 'excluded', terms: excluded };
    return { kind: 'match' };
  }

  private pattern(units: string[]): number {
    const key = units.join('\u0001');
    let id = this.patternIds.get(key);
    if (id === undefined) {
      id = this.patternIds.size;
      this.patternIds.set(key, id);
      this.automaton.add(units, id);
    }
    return id;
  }
}
