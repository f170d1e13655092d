import { joinUnits, sourceMatches, textUnits } from '../text/fold.ts';
import { UnitAutomaton } from './aho-corasick.ts';
import { parseWatch, type WatchSpec } from './watch-query.ts';

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
  | { kind: 'excluded'; terms: string[] }
  | { kind: 'other-source'; source: string };

interface Compiled {
  watch: WatchDefinition;
  spec: WatchSpec;
  includes: number[];
  excludes: number[];
}

/**
 * All watches compiled into one automaton: each item is scanned once, and only the watches whose terms
 * occur in it are checked further, so the cost barely grows with the number of watches.
 */
export class WatchMatcher {
  private readonly automaton = new UnitAutomaton();
  private readonly compiled: Compiled[] = [];
  private readonly byPattern = new Map<number, Compiled[]>();
  private readonly everything: Compiled[] = [];
  private readonly patternIds = new Map<string, number>();

  constructor(watches: WatchDefinition[]) {
    for (const watch of watches) {
      const spec = parseWatch(watch.query);
      const entry: Compiled = { watch, spec, includes: spec.includes.map((t) => this.pattern(t)), excludes: spec.excludes.map((t) => this.pattern(t)) };
      this.compiled.push(entry);
      if (spec.all) this.everything.push(entry);
      for (const id of new Set(entry.includes)) {
        const list = this.byPattern.get(id) ?? [];
        list.push(entry);
        this.byPattern.set(id, list);
      }
    }
    this.automaton.build();
  }

  get size(): number {
    return this.compiled.length;
  }

  /** The watches that fire on an item, at most one per channel (the first, by watch id). */
  match(item: MatchableItem): WatchDefinition[] {
    const { title, all } = this.scan(item);
    const candidates = new Set(this.everything);
    for (const id of all) for (const entry of this.byPattern.get(id) ?? []) candidates.add(entry);
    const byChannel = new Map<string, WatchDefinition>();
    for (const entry of [...candidates].sort((a, b) => a.watch.id - b.watch.id)) {
      if (byChannel.has(entry.watch.channel)) continue;
      if (this.verdict(entry, item, title, all).kind === 'match') byChannel.set(entry.watch.channel, entry.watch);
    }
    return [...byChannel.values()];
  }

  /** For `why`: what each watch (of `channel`, when given) made of the item. */
  explain(item: MatchableItem, channel?: string): { watch: WatchDefinition; verdict: Verdict }[] {
    const { title, all } = this.scan(item);
    return this.compiled
      .filter((entry) => channel === undefined || entry.watch.channel === channel)
      .map((entry) => ({ watch: entry.watch, verdict: this.verdict(entry, item, title, all) }));
  }

  private scan(item: MatchableItem): { title: Set<number>; all: Set<number> } {
    const title = new Set<number>();
    this.automaton.scan(textUnits(item.title), title);
    const all = new Set(title);
    this.automaton.scan(textUnits(item.body), all);
    return { title, all };
  }

  private verdict(entry: Compiled, item: MatchableItem, titleHits: Set<number>, allHits: Set<number>): Verdict {
    const { spec } = entry;
    if (spec.source && !sourceMatches(spec.source, item.sources)) return { kind: 'other-source', source: spec.source };
    const hits = spec.titleOnly ? titleHits : allHits;
    const missing = entry.includes.flatMap((id, i) => (hits.has(id) ? [] : [joinUnits(spec.includes[i]!)]));
    if (missing.length) return { kind: 'missing', terms: missing, titleOnly: spec.titleOnly };
    const excluded = entry.excludes.flatMap((id, i) => (allHits.has(id) ? [joinUnits(spec.excludes[i]!)] : []));
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
