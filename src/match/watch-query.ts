import type { RE2JS } from 're2js';
import { joinUnits, keywordUnits } from '../text/fold.ts';
import { splitQueryText, type QueryToken } from '../text/query-tokens.ts';
import { MAX_REGEX_CHARS, readRegex, regexSource, type RegexSpec } from './regex-watch.ts';
import { WatchSyntaxError } from './watch-error.ts';

export { WatchSyntaxError };

export const MAX_WATCH_CHARS = 100;
export const WATCH_SYNTAX =
  'watch <keyword or "phrase"> [-exclude] [source:<name>] [in:title] [min:<outlets>] [mention:@who], or watch /regex/i with the same options, or watch * for everything';
/** The most outlets a watch can ask a story to have. */
export const MAX_MIN_SOURCES = 20;

/** A watch as compiled from what was typed. Every term is a unit sequence (see textUnits). */
export interface WatchSpec {
  /** Matches every new item (`watch *`). */
  all: boolean;
  /** Terms that must all appear. */
  includes: string[][];
  /** A regular expression the title or text must match (`/gpt-?5/i`), instead of includes. */
  regex: RegexSpec | null;
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

/**
 * Reads a watch. The unquoted words together form one keyword (so `GPT 5` is the term GPT-5 and
 * `open source` is a phrase); each quoted phrase is a further term that must also appear. A watch that
 * starts with `/` is a regular expression instead (see readRegex), followed by modifiers only.
 */
export function parseWatch(text: string): WatchSpec {
  return readWatch(text).spec;
}

/** parseWatch, with a regex watch's pattern as compiled to check it, for the matcher to keep. */
export function readWatch(text: string): { spec: WatchSpec; compiled: RE2JS | null } {
  const trimmed = text.trim();
  if (!trimmed) throw new WatchSyntaxError(`what should this channel watch? Usage: ${WATCH_SYNTAX}`);
  const isRegex = trimmed.startsWith('/');
  const limit = isRegex ? MAX_REGEX_CHARS + MAX_WATCH_CHARS : MAX_WATCH_CHARS;
  if ([...trimmed].length > limit) throw new WatchSyntaxError(`a ${isRegex ? 'regex ' : ''}watch can be at most ${limit} characters long`);
  const spec: WatchSpec = { all: false, includes: [], regex: null, excludes: [], source: null, titleOnly: false, minSources: null, mention: null, canonical: '' };
  let modifiers = trimmed;
  let compiled: RE2JS | null = null;
  if (isRegex) ({ regex: spec.regex, compiled, rest: modifiers } = readRegex(trimmed, (rest) => splitQueryText(rest).every((token) => !isTerm(roleOf(token)))));
  const bare: string[] = [];
  for (const token of splitQueryText(modifiers)) {
    const role = roleOf(token);
    if (spec.regex && isTerm(role)) {
      throw new WatchSyntaxError(
        `"${token.text}" after ${regexSource(spec.regex)}: a regex watch takes no keywords besides its pattern, only -exclude, source:, in:title, min: and mention:; ` +
          'put the word in the pattern, or give it a watch of its own',
      );
    }
    if (role === 'exclude') {
      const units = keywordUnits(token.text);
      if (units.length) spec.excludes.push(units);
    } else if (role === 'phrase') {
      const units = keywordUnits(token.text);
      if (units.length) spec.includes.push(units);
    } else if (role === 'all') spec.all = true;
    else if (role === 'source') spec.source = joinUnits(keywordUnits(token.text.slice(7)));
    else if (role === 'title') spec.titleOnly = true;
    else if (role === 'min') spec.minSources = parseMin(token.text.slice(4));
    else if (role === 'mention') spec.mention = token.text.slice(8);
    else bare.push(token.text);
  }
  const keyword = keywordUnits(bare.join(' '));
  if (keyword.length) spec.includes.unshift(keyword);
  if (!spec.all && !spec.regex && spec.includes.length === 0) {
    throw new WatchSyntaxError(`"${trimmed}" has no letters, digits or CJK characters to watch for. Usage: ${WATCH_SYNTAX}`);
  }
  if (spec.all && spec.includes.length) throw new WatchSyntaxError('watch * already matches everything: give either * or keywords');
  const term = (units: string[]) => units.join(' ');
  spec.canonical = [
    spec.all ? '*' : spec.regex ? regexSource(spec.regex) : spec.includes.map(term).sort().join(' + '),
    ...spec.excludes.map((units) => `-${term(units)}`).sort(),
    spec.source ? `source:${spec.source}` : '',
    spec.titleOnly ? 'in:title' : '',
    spec.minSources !== null ? `min:${spec.minSources}` : '',
    spec.mention !== null ? `mention:${spec.mention.toLowerCase()}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return { spec, compiled };
}

type Role = 'keyword' | 'phrase' | 'all' | 'exclude' | 'source' | 'title' | 'min' | 'mention';

/** What a word or "phrase" of a watch is; a minus before a modifier makes it a word to exclude. */
function roleOf(token: QueryToken): Role {
  if (token.negated) return 'exclude';
  if (token.quoted) return 'phrase';
  if (token.text === '*') return 'all';
  if (/^source:./i.test(token.text)) return 'source';
  if (/^in:title$/i.test(token.text)) return 'title';
  if (/^min:/i.test(token.text)) return 'min';
  if (/^mention:./i.test(token.text)) return 'mention';
  return 'keyword';
}

/** Roles that say what to look for, which a regex watch's pattern alone does. */
function isTerm(role: Role): boolean {
  return role === 'keyword' || role === 'phrase' || role === 'all';
}

/** `min:3`: a whole number of outlets from 1 to MAX_MIN_SOURCES. */
function parseMin(text: string): number {
  const n = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= MAX_MIN_SOURCES)) throw new WatchSyntaxError(`min:${text} is not a number of outlets; write min:2 to min:${MAX_MIN_SOURCES} (min:1 is every story)`);
  return n;
}
