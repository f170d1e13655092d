import { joinUnits, keywordUnits } from '../text/fold.ts';
import { splitQueryText } from '../text/query-tokens.ts';
import { UserError } from '../user-error.ts';

export const MAX_WATCH_CHARS = 100;
export const WATCH_SYNTAX = 'watch <keyword or "phrase"> [-exclude] [source:<name>] [in:title] [min:<outlets>] [mention:@who], or watch * for everything';
/** The most outlets a watch can ask a story to have. */
export const MAX_MIN_SOURCES = 20;

/** A watch as compiled from what was typed. Every term is a unit sequence (see textUnits). */
export interface WatchSpec {
  /** Matches every new item (`watch *`). */
  all: boolean;
  /** Terms that must all appear. */
  includes: string[][];
  /** Terms any one of which vetoes the item. */
  excludes: string[][];
  /** Only items from a feed whose name or URL holds these words (see sourceMatches). */
  source: string | null;
  /** Only look in the title. */
  titleOnly: boolean;
  /** Alert only once the story is carried by at least this many outlets (`min:3`); null: the channel's default. */
  minSources: number | null;
  /** Who to ping when the watch fires (`mention:@ai-team`), as typed; resolved by the platform. */
  mention: string | null;
  /** Equal for watches that mean the same thing (`GPT-5`, `gpt 5`): one per channel. */
  canonical: string;
}

export class WatchSyntaxError extends UserError {
  override name = 'WatchSyntaxError';
}

/**
 * Reads a watch. The unquoted words together form one keyword (so `GPT 5` is the term GPT-5 and
 * `open source` is a phrase); each quoted phrase is a further term that must also appear.
 */
export function parseWatch(text: string): WatchSpec {
  const trimmed = text.trim();
  if (!trimmed) throw new WatchSyntaxError(`what should this channel watch? Usage: ${WATCH_SYNTAX}`);
  if ([...trimmed].length > MAX_WATCH_CHARS) throw new WatchSyntaxError(`a watch can be at most ${MAX_WATCH_CHARS} characters long`);
  const spec: WatchSpec = { all: false, includes: [], excludes: [], source: null, titleOnly: false, minSources: null, mention: null, canonical: '' };
  const bare: string[] = [];
  for (const token of splitQueryText(trimmed)) {
    if (token.quoted) {
      const units = keywordUnits(token.text);
      if (units.length) (token.negated ? spec.excludes : spec.includes).push(units);
    } else if (token.text === '*' && !token.negated) spec.all = true;
    else if (/^source:./i.test(token.text) && !token.negated) spec.source = joinUnits(keywordUnits(token.text.slice(7)));
    else if (/^in:title$/i.test(token.text) && !token.negated) spec.titleOnly = true;
    else if (/^min:/i.test(token.text) && !token.negated) spec.minSources = parseMin(token.text.slice(4));
    else if (/^mention:./i.test(token.text) && !token.negated) spec.mention = token.text.slice(8);
    else if (token.negated) {
      const units = keywordUnits(token.text);
      if (units.length) spec.excludes.push(units);
    } else bare.push(token.text);
  }
  const keyword = keywordUnits(bare.join(' '));
  if (keyword.length) spec.includes.unshift(keyword);
  if (!spec.all && spec.includes.length === 0) {
    throw new WatchSyntaxError(`"${trimmed}" has no letters, digits or CJK characters to watch for. Usage: ${WATCH_SYNTAX}`);
  }
  if (spec.all && spec.includes.length) throw new WatchSyntaxError('watch * already matches everything: give either * or keywords');
  const term = (units: string[]) => units.join(' ');
  spec.canonical = [
    spec.all ? '*' : spec.includes.map(term).sort().join(' + '),
    ...spec.excludes.map((units) => `-${term(units)}`).sort(),
    spec.source ? `source:${spec.source}` : '',
    spec.titleOnly ? 'in:title' : '',
    spec.minSources !== null ? `min:${spec.minSources}` : '',
    spec.mention !== null ? `mention:${spec.mention.toLowerCase()}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return spec;
}

/** `min:3`: a whole number of outlets from 1 to MAX_MIN_SOURCES. */
function parseMin(text: string): number {
  const n = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= MAX_MIN_SOURCES)) throw new WatchSyntaxError(`min:${text} is not a number of outlets; write min:2 to min:${MAX_MIN_SOURCES} (min:1 is every story)`);
  return n;
}
