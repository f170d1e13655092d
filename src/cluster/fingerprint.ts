import { anchorsOf, type Anchors } from './anchors.ts';
import { shingles } from './shingles.ts';

/** How much of an item's body counts as its lead: about the first sentence or two. */
export const LEAD_CHARS = 200;

export interface StoryText {
  title: string;
  /** The start of the article: its first sentence or two, or '' when the feed gives none. */
  lead: string;
  lang: 'zh' | 'en' | 'other';
  /** Milliseconds since the epoch. */
  publishedAt: number;
}

/** What one item is compared on, computed once per item. */
export interface Fingerprint {
  lang: StoryText['lang'];
  publishedAt: number;
  title: Set<string>;
  /** Title and lead together. */
  text: Set<string>;
  titleAnchors: Anchors;
  anchors: Anchors;
}

export function fingerprint(item: StoryText): Fingerprint {
  const title = cleanTitle(item.title);
  const lead = item.lead.slice(0, LEAD_CHARS);
  const text = `${title}\n${lead}`;
  return {
    lang: item.lang,
    publishedAt: item.publishedAt,
    title: shingles(title),
    text: shingles(text),
    titleAnchors: anchorsOf(title),
    anchors: anchorsOf(text),
  };
}

/** Drops what aggregators add around a headline: Hacker News's "(example.com)", "[pdf]" and "Show HN:". */
function cleanTitle(title: string): string {
  return title
    .replace(/\s*\((?:[\w-]+\.)+[a-z]{2,}(?:\/[^)\s]*)?\)\s*$/i, '')
    .replace(/\s*\[(?:pdf|video|audio|paper)\]/gi, '')
    .replace(/^(?:show|ask|tell) hn:\s*/i, '');
}
