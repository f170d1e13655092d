import type { RE2JS } from 're2js';
import { UnitAutomaton } from './aho-corasick.ts';
import { compileRegex, type RegexSpec } from './regex-watch.ts';

// What a code unit is to the scan (RegexFilter.unitClass): in no literal, an ASCII character with its
// own column in the transition table (1 to 127), or another character of some literal.
const ABSENT = 0;
const OTHER = 255;

/**
 * Regex watches cannot be indexed by the keyword automaton, and running each of a thousand patterns
 * on every item costs milliseconds. So each pattern is reduced to literals a match must contain
 * (`/gpt-?\d/i` needs "gpt"; `/大模型|通义千问/` needs one of its two words), all the literals go into
 * one automaton over UTF-16 code units, and an item is read once: only the watches whose literals it
 * holds are run. A pattern with no such literal (`/\d{4}/`) runs on every item.
 */
export class RegexFilter<T> {
  private readonly automaton = new UnitAutomaton<number>();
  private readonly literalIds = new Map<string, number>();
  private readonly byLiteral: T[][] = [];
  private readonly always: T[] = [];
  private readonly unitClass = new Uint8Array(0x10000);
  private asciiColumns = 0;
  /** ASCII transitions precomputed, a row per state: most of what is scanned is ASCII. */
  private ascii = new Int32Array(0);
  private added = 0;

  /** How many watches were added. */
  get size(): number {
    return this.added;
  }

  /** Adds a watch under its pattern's literals; `compiled` is the pattern as the watch runs it. */
  add(regex: RegexSpec, compiled: RE2JS, value: T): void {
    this.added++;
    const literals = requiredLiterals(regex, compiled);
    if (!literals) {
      this.always.push(value);
      return;
    }
    for (const literal of literals) {
      let id = this.literalIds.get(literal);
      if (id === undefined) {
        id = this.literalIds.size;
        this.literalIds.set(literal, id);
        this.byLiteral.push([]);
        const units = Array.from(literal, (_, i) => literal.charCodeAt(i));
        for (const unit of units) if (this.unitClass[unit] === ABSENT) this.unitClass[unit] = unit < 0x80 ? ++this.asciiColumns : OTHER;
        this.automaton.add(units, id);
      }
      this.byLiteral[id]!.push(value);
    }
  }

  build(): this {
    this.automaton.build();
    const columns = this.asciiColumns;
    this.ascii = new Int32Array(this.automaton.size * columns);
    for (let unit = 0; unit < 0x80; unit++) {
      const column = this.unitClass[unit]!;
      if (column === ABSENT) continue;
      for (let state = 0; state < this.automaton.size; state++) this.ascii[state * columns + column - 1] = this.automaton.step(state, unit);
    }
    return this;
  }

  /** Adds to `into` every watch that may match `text` (as regexText gives it; case does not matter). */
  candidates(text: string, into: Set<T>): void {
    for (const value of this.always) into.add(value);
    if (this.literalIds.size === 0) return;
    const lower = text.toLowerCase();
    const columns = this.asciiColumns;
    let state = 0;
    for (let i = 0; i < lower.length; i++) {
      const unit = lower.charCodeAt(i);
      const column = this.unitClass[unit]!;
      if (column === ABSENT) {
        state = 0;
        continue;
      }
      state = column === OTHER ? this.automaton.step(state, unit) : this.ascii[state * columns + column - 1]!;
      const found = this.automaton.found(state);
      for (let f = 0; f < found.length; f++) for (const value of this.byLiteral[found[f]!]!) into.add(value);
    }
  }
}

/**
 * Lower-case strings at least one of which any text the pattern matches holds, or null when no such
 * list is known. RE2 works these out for its own use (its prefilter: a tree of strings a match must
 * hold, all of (AND) or one of (OR)); it leaves out case-insensitive literals, so the pattern is read
 * again without `i`. That is sound: a case-insensitive match is a case-sensitive match with some
 * letters' case changed, and the literals are looked for in lower-cased text. Exact for characters
 * whose case toLowerCase maps the way RE2 folds it: ASCII (in NFKC text, where K and ſ are k and s) and
 * characters without case, such as CJK. A literal is cut at any other character (é, Σ), as every part
 * of a literal must be in the text too.
 */
export function requiredLiterals(regex: RegexSpec, compiled = compileRegex(regex)): string[] | null {
  const caseSensitive = regex.flags.includes('i') ? compileRegex(regex, { ignoreCase: false }) : compiled;
  return cover(caseSensitive.re2().prefilter);
}

// re2js 2.10's Prefilter.Type: EXACT holds `str`; AND and OR hold `subs`. Anything else: no list.
const EXACT = 1;
const AND = 2;
const OR = 3;

function cover(node: unknown): string[] | null {
  if (typeof node !== 'object' || node === null) return null;
  const { type, str, subs } = node as { type?: unknown; str?: unknown; subs?: unknown };
  if (type === EXACT && typeof str === 'string') {
    const literal = longestFoldable(str);
    return literal ? [literal] : null;
  }
  if (!Array.isArray(subs) || subs.length === 0) return null;
  const covers = subs.map(cover);
  if (type === OR) return covers.every((c) => c !== null) ? [...new Set(covers.flat())] : null;
  if (type !== AND) return null;
  // Every part is required: keep the most selective, the one whose shortest literal is longest.
  const shortest = (c: string[]) => Math.min(...c.map((literal) => literal.length));
  const known = covers.filter((c) => c !== null);
  return known.length ? known.reduce((best, c) => (shortest(c) > shortest(best) ? c : best)) : null;
}

function longestFoldable(literal: string): string {
  let best = '';
  let run = '';
  for (const ch of literal) {
    const foldable = ch.charCodeAt(0) < 0x80 || (ch.toLowerCase() === ch && ch.toUpperCase() === ch);
    run = foldable ? run + ch : '';
    if (run.length > best.length) best = run;
  }
  return best.toLowerCase();
}
