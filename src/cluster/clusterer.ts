import type { StoryStore } from '../db/stories.ts';
import { fingerprint, LEAD_CHARS, type Fingerprint } from './fingerprint.ts';
import { sameStory, type StorySettings } from './same-story.ts';

/** The most recent items one term can bring up as candidates. */
const PER_TERM = 24;
/** At most this many terms per item: a 500-character headline must not cost 500 lookups. */
const MAX_TERMS = 64;
/** How many of the candidates sharing the most terms are compared in full. */
const COMPARED = 24;
/** Fingerprints kept in memory: a new item's candidates are mostly items this process stored recently. */
const CACHE_SIZE = 20_000;
/** How often the candidate index is pruned of items older than the window. */
const PRUNE_EVERY_MS = 3_600_000;

export interface StoryItem {
  id: number;
  title: string;
  body: string;
  lang: 'zh' | 'en' | 'other';
  published_at: string;
}

export interface StoryAssignment {
  itemId: number;
  /** The story's id: its lead item's id (the item's own when it starts a story). */
  storyId: number;
  /** The item it was found to match, and why; null when it starts a story. */
  via: number | null;
  reason: string | null;
}

/**
 * Puts each new item in a story: the story of the most similar recent item from another feed, or a new
 * one it leads. Runs in the follow-up pass after the items are stored (src/pipeline/process-items.ts),
 * items in the order they were stored, so the next item (of this poll or another process's) sees it.
 */
export class StoryClusterer {
  private readonly cache = new Map<number, Fingerprint>();
  private lastPrune = 0;

  constructor(
    private readonly stories: StoryStore,
    private readonly settings: StorySettings,
  ) {}

  async assign(items: StoryItem[], feedId: number, now = new Date()): Promise<StoryAssignment[]> {
    // Pruning comes first, so that the items of this call are compared with each other whatever their
    // dates; items older than the window are only pruned at the next hourly prune.
    if (now.getTime() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = now.getTime();
      await this.stories.prune(Math.floor((now.getTime() - this.settings.windowMs - PRUNE_EVERY_MS) / 1000));
    }
    // One after another: each item is compared with those before it.
    const assignments: StoryAssignment[] = [];
    for (const item of items) assignments.push(await this.assignOne(item, feedId));
    return assignments;
  }

  private async assignOne(item: StoryItem, feedId: number): Promise<StoryAssignment> {
    const print = fingerprint({ title: item.title, lead: item.body.slice(0, LEAD_CHARS), lang: item.lang, publishedAt: Date.parse(item.published_at) });
    const at = Math.floor(print.publishedAt / 1000);
    const window = Math.ceil(this.settings.windowMs / 1000);
    const terms = termsOf(print);
    // Candidates come from other feeds only: a story is the same news from several sources.
    const shared = await this.stories.candidates(terms, { from: at - window, to: at + window }, feedId, PER_TERM);
    shared.delete(item.id);
    const closest = [...shared].sort((a, b) => b[1] - a[1] || b[0] - a[0]).slice(0, COMPARED).map(([id]) => id);
    let best: StoryAssignment & { score: number } = { itemId: item.id, storyId: item.id, via: null, reason: null, score: -1 };
    for (const candidate of await this.stories.texts(closest, LEAD_CHARS)) {
      // A story keeps to the window around its lead (it does not chain from day to day), and takes one
      // article per outlet (an item another feed brought may have reached this one too since).
      if (Math.abs(Date.parse(candidate.story_published_at) - print.publishedAt) > this.settings.windowMs) continue;
      if ((JSON.parse(candidate.story_feeds) as number[]).includes(feedId)) continue;
      const other = this.fingerprintOf(candidate);
      const verdict = sameStory(print, other, this.settings);
      if (verdict.same && verdict.score > best.score) {
        best = { itemId: item.id, storyId: candidate.story_id, via: candidate.id, reason: verdict.reason, score: verdict.score };
      }
    }
    await this.stories.assign(item.id, best.storyId, best.via, best.reason);
    await this.stories.index(item.id, feedId, at, terms);
    this.remember(item.id, print);
    const { score: _score, ...assignment } = best;
    return assignment;
  }

  private fingerprintOf(candidate: { id: number; title: string; lead: string; lang: StoryItem['lang']; published_at: string }): Fingerprint {
    const cached = this.cache.get(candidate.id);
    if (cached) return cached;
    const print = fingerprint({ title: candidate.title, lead: candidate.lead, lang: candidate.lang, publishedAt: Date.parse(candidate.published_at) });
    this.remember(candidate.id, print);
    return print;
  }

  private remember(id: number, print: Fingerprint): void {
    this.cache.delete(id);
    this.cache.set(id, print);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
  }
}

/**
 * The terms an item is indexed and looked up under: its title's shingles and anchors, and the models and
 * amounts of its lead (a Chinese report's Latin names too, which English reports carry as words).
 */
export function termsOf(print: Fingerprint): Set<string> {
  const lead = print.lang === 'zh' ? print.anchors.all : [...print.anchors.models].map((m) => `m:${m}`).concat(...print.anchors.amounts);
  // Anchors first; a very long headline is indexed by its first shingles only.
  return new Set([...print.titleAnchors.all, ...lead, ...print.title].slice(0, MAX_TERMS));
}
