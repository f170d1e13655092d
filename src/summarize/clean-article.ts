import { readFileSync } from 'node:fs';

interface Rule {
  kind: 'lead' | 'drop' | 'cut';
  source: string;
  pattern: string;
}

const RULES_FILE = new URL('../../data/boilerplate-rules.json', import.meta.url);

/** The boilerplate rules, compiled once (data/boilerplate-rules.json: add a source there, not here). */
const rules = (JSON.parse(readFileSync(RULES_FILE, 'utf8')) as { rules: Rule[] }).rules.map((rule) => ({
  kind: rule.kind,
  regex: new RegExp(rule.pattern, 'iu'),
}));

/**
 * The article without the boilerplate feeds wrap around it: a dateline lead ("IT之家 8 月 2 日消息，"),
 * thank-you and source lines, and everything from a trailer on ("本文来自微信公众号", "The post … appeared
 * first on …", newsletter footers). Takes and returns plain text with paragraphs separated by blank lines.
 */
export function cleanArticle(text: string): string {
  const paragraphs: string[] = [];
  for (const raw of text.split(/\n{2,}/)) {
    let paragraph = raw.trim();
    if (!paragraph) continue;
    if (rules.some((rule) => rule.kind === 'cut' && rule.regex.test(paragraph))) break;
    if (rules.some((rule) => rule.kind === 'drop' && rule.regex.test(paragraph))) continue;
    if (paragraphs.length === 0) for (const rule of rules) if (rule.kind === 'lead') paragraph = paragraph.replace(rule.regex, '');
    if (paragraph) paragraphs.push(paragraph);
  }
  return paragraphs.join('\n\n');
}
