import { RE2JS, RE2JSSyntaxException } from 're2js';
import { WatchSyntaxError } from './watch-error.ts';

/** The longest pattern a regex watch may have, in characters as typed. */
export const MAX_REGEX_CHARS = 200;
/**
 * The most RE2 instructions a pattern may compile to. Realistic watches take tens (`/gpt-?\d/i` is 14);
 * the cap refuses the likes of `/\w{1000} \w{1000}/`, which cost every item scan that much more.
 */
export const MAX_REGEX_PROGRAM = 2_000;

/** A regex watch's pattern, normalised as regexText (see normalisePattern), and its flags, sorted. */
export interface RegexSpec {
  pattern: string;
  flags: string;
}

const FLAG_BITS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, s: RE2JS.DOTALL };
const FLAG_HINTS: Record<string, string> = {
  g: 'a watch only asks whether an item matches, so g would change nothing',
  m: '^ and $ already stand for the start and end of the title or text',
  u: 'patterns are always read as Unicode',
};

// Dash variants as feeds write them: the set foldText (src/text/fold.ts) makes plain hyphens for keywords.
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;

/**
 * Text as regex watches see it: NFKC (full-width `ＧＰＴ－５` is `GPT-5`, `ﬁ` is `fi`) and every dash
 * variant a plain hyphen, case kept (the `i` flag decides). Someone writing `/gpt-?5/i` means the model,
 * and headlines write it `GPT‑5` with a non-breaking hyphen as often as with `-`: keyword watches
 * already treat those as one, so regex watches do too. The cost: a pattern cannot tell those dashes
 * apart (`/–/` finds a plain hyphen), which we judge no watch needs.
 */
export function regexText(text: string): string {
  return text.normalize('NFKC').replace(DASHES, '-');
}

/**
 * Reads `/pattern/flags` at the start of a watch and checks that RE2 can run it; `rest` is what
 * follows (the modifiers, for the caller). The pattern ends at the first unescaped `/` that is followed
 * by flags, then a space or the end, and then by text `isModifiers` accepts: so a pattern may hold a
 * `/` (`/a/b/i` is a/b) and so may a modifier after it (`/gpt/i source:https://www.ithome.com/`).
 */
export function readRegex(text: string, isModifiers: (rest: string) => boolean): { regex: RegexSpec; compiled: RE2JS; rest: string } {
  const closings = closingSlashes(text);
  if (closings.length === 0) throw new WatchSyntaxError(`${text} has no closing /: write /pattern/, or /pattern/i to ignore case`);
  // None followed by modifiers alone: take the last, whose rest holds the keyword to complain about.
  const close = closings.find((candidate) => isModifiers(candidate.rest)) ?? closings.at(-1)!;
  const typed = text.slice(1, close.at);
  if (!typed) throw new WatchSyntaxError('// is an empty pattern: it would match every item; write watch * for that');
  const length = [...typed].length;
  if (length > MAX_REGEX_CHARS) throw new WatchSyntaxError(`that pattern is ${length} characters long; a regex watch's pattern can be at most ${MAX_REGEX_CHARS}`);
  const regex = { pattern: normalisePattern(typed), flags: readFlags(close.flags) };
  return { regex, compiled: compileRegex(regex), rest: close.rest };
}

/** `/pattern/flags` as typed in a watch. */
export function regexSource(regex: RegexSpec): string {
  return `/${regex.pattern}/${regex.flags}`;
}

/** Compiles a pattern for RE2: linear-time matching, whatever the pattern and the text. */
export function compileRegex(regex: RegexSpec, options: { ignoreCase?: boolean } = {}): RE2JS {
  let bits = 0;
  for (const flag of regex.flags) if (flag !== 'i' || options.ignoreCase !== false) bits |= FLAG_BITS[flag]!;
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(regex.pattern, bits);
  } catch (error) {
    throw new WatchSyntaxError(`${regexSource(regex)} cannot be used: ${whyRefused(error)}`);
  }
  if (compiled.programSize() > MAX_REGEX_PROGRAM) {
    throw new WatchSyntaxError(
      `${regexSource(regex)} is too complex for a watch (${compiled.programSize()} RE2 instructions, at most ${MAX_REGEX_PROGRAM}): use smaller counts in {n,m}`,
    );
  }
  return compiled;
}

function closingSlashes(text: string): { at: number; flags: string; rest: string }[] {
  const found: { at: number; flags: string; rest: string }[] = [];
  const flagsThenSpace = /([A-Za-z]*)(?=\s|$)/y;
  for (let at = 1; at < text.length; at++) {
    if (text[at] === '\\') at++;
    else if (text[at] === '/') {
      flagsThenSpace.lastIndex = at + 1;
      const flags = flagsThenSpace.exec(text)?.[1];
      if (flags !== undefined) found.push({ at, flags, rest: text.slice(at + 1 + flags.length).trim() });
    }
  }
  return found;
}

function readFlags(flags: string): string {
  const unknown = [...new Set(flags)].filter((flag) => !Object.hasOwn(FLAG_BITS, flag));
  if (unknown.length === 0) return [...new Set(flags)].sort().join('');
  const allowed = 'a regex watch takes only the flags i (ignore case) and s (. matches line breaks too)';
  // `/r/LocalLLaMA` is no regex with odd flags but words that start with a slash.
  if (unknown.length > 2) throw new WatchSyntaxError(`${allowed}, not "${flags}"; to watch words that start with /, put them in quotes ("/r/LocalLLaMA")`);
  const hints = unknown.flatMap((flag) => (FLAG_HINTS[flag] ? [FLAG_HINTS[flag]] : []));
  throw new WatchSyntaxError(`${allowed}, not ${unknown.join(' or ')}${hints.length ? `: ${hints.join('; ')}` : ''}`);
}

// Characters that mean something to RE2 outside a [class], and inside one.
const SYNTAX = new Set('\\.+*?()|[]{}^$');
const CLASS_SYNTAX = new Set('\\]^-[');

/**
 * The pattern as it must be written to find what the user typed in text seen through regexText. A
 * character that normalisation changes is taken literally, as what it becomes: `（开源）` typed with
 * full-width brackets finds `（开源）` in an item (which reads `(开源)` once normalised) rather than
 * becoming a group, and `GPT‑5` pasted from a headline finds `GPT-5`. The rest is RE2 syntax as typed.
 */
function normalisePattern(typed: string): string {
  const chars = [...typed];
  const literal = (text: string, inClass: boolean) => [...text].map((c) => ((inClass ? CLASS_SYNTAX : SYNTAX).has(c) ? `\\${c}` : c)).join('');
  let out = '';
  let inClass = false;
  let quoted = false; // within \Q…\E, where everything is literal already
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const seen = regexText(ch);
    if (quoted) {
      quoted = !(ch === '\\' && chars[i + 1] === 'E');
      out += quoted ? seen : '\\';
    } else if (ch === '\\' && i + 1 < chars.length) {
      const next = chars[++i]!;
      const nextSeen = regexText(next);
      // `\（` meant a literal bracket: it becomes `\(`.
      out += nextSeen === next ? `\\${next}` : literal(nextSeen, inClass);
      quoted = next === 'Q';
    } else if (seen !== ch) {
      out += literal(seen, inClass);
    } else if (!inClass && ch === '[') {
      inClass = true;
      out += ch;
      // A ] right after [ or [^ is a member, not the end.
      if (chars[i + 1] === '^') out += chars[++i];
      if (chars[i + 1] === ']') out += chars[++i];
    } else if (inClass && ch === '[' && chars[i + 1] === ':') {
      const end = chars.indexOf(']', i + 2);
      const posix = end === -1 ? chars.length : end + 1;
      out += chars.slice(i, posix).join('');
      i = posix - 1;
    } else {
      if (inClass && ch === ']') inClass = false;
      out += ch;
    }
  }
  // Composes what NFKC composes across characters (e + ◌́ is é), as it does in the text.
  return out.normalize('NFKC');
}

/** RE2's reason for refusing a pattern, in words a channel member can act on. */
function whyRefused(error: unknown): string {
  if (!(error instanceof RE2JSSyntaxException)) return error instanceof Error ? error.message : String(error);
  const at = error.input ?? '';
  const why = error.error;
  const noBacktracking = 'regex watches use RE2, which never backtracks, so that no pattern can stall the bot';
  if (/^\\([1-9]|k|g)/.test(at)) {
    return `backreferences such as ${at} are not supported (${noBacktracking}); write the repeated text out instead (/(ha)ha/ rather than /(ha)\\1/)`;
  }
  if (/^\(\?(=|!|<=|<!)/.test(at)) {
    return (
      `lookahead and lookbehind ((?=…), (?!…), (?<=…), (?<!…)) are not supported (${noBacktracking}); ` +
      'to leave items out, add an -exclude after the pattern (/gpt-5/i -mini rather than /gpt-5(?!-mini)/i)'
    );
  }
  if (at.startsWith('(?>')) return `atomic groups (?>…) are not supported, nor needed, as RE2 never backtracks: write (?:…)`;
  if (why === 'invalid nested repetition operator') {
    return at.endsWith('+')
      ? `possessive quantifiers (${at}) are not supported, nor needed, as RE2 never backtracks: drop the last + (a+ rather than a++)`
      : `${at} repeats a repetition; write one count, such as {2,6}`;
  }
  if (why === 'invalid or unsupported Perl syntax') return `${at} is not part of RE2's syntax (no comments, no (?x) mode, no recursion)`;
  if (why === 'invalid escape sequence') {
    if (at === '\\u') return 'RE2 writes a character by its code as \\x{2011}, not \\u2011';
    if (at === '\\Z') return 'RE2 writes the end of the text as $ or \\z, not \\Z';
    return `${at} is not an escape RE2 knows (it knows \\d, \\w, \\s, \\b, \\pL, \\x{…} and a backslash before punctuation)`;
  }
  const plain: Record<string, string> = {
    'missing closing )': `a ( is never closed: ${at}`,
    'unexpected )': `a ) has no ( to close: ${at}`,
    'missing closing ]': `a [ is never closed: ${at}`,
    'missing argument to repetition operator': `${at} has nothing before it to repeat`,
    'invalid repeat count': `the count ${at} is not valid (counts go up to 1000, the smaller first)`,
    'invalid character class range': `${at} is not a valid range or character class`,
    'trailing backslash at end of expression': 'it ends with a lone \\',
    'expression too large': 'it is too large; use smaller counts in {n,m}',
    'invalid named capture': `${at} is not a valid named group; write (?P<name>…)`,
  };
  return plain[why] ?? `${why}${at ? `: ${at}` : ''}`;
}
