import type { StoryClusterer } from '../cluster/clusterer.ts';
import { describeDatabaseError } from '../db/errors.ts';
import type { ItemRow } from '../db/items.ts';
import type { PendingItem, PendingItems } from '../db/pending-items.ts';
import type { SearchIndex } from '../db/search-index.ts';
import type { Logger } from '../log.ts';
import type { Summaries } from '../summarize/summaries.ts';
import type { AlertRouter } from './route-alerts.ts';

export interface ProcessorDeps {
  pending: PendingItems;
  index: SearchIndex;
  stories: StoryClusterer;
  summaries: Summaries;
  router: AlertRouter;
  /** Runs `work` in one database transaction. */
  transaction: <T>(work: () => T) => T;
  log: Logger;
  /** Items per transaction: the event loop is blocked for one batch at a time, not a whole poll. */
  batchSize?: number;
  now?: () => Date;
}

export interface ProcessResult {
  /** Items finished: indexed, in a story, summarized and routed. */
  items: number;
  /** Alerts queued for them. */
  alerts: number;
}

/** About 50 ms of work per transaction on a 2-core machine with full-text Chinese articles. */
export const DEFAULT_BATCH = 32;

/**
 * The follow-up pass after a poll has stored its items: each new item is indexed for search, put in a
 * story, summarized and routed to alerts; an edited one is indexed and summarized again. Items are taken
 * from the queue (migration 009) oldest first, a batch per transaction, and a batch's rows leave the queue
 * in the transaction that finishes them: an item is never alerted twice, and never left out after a crash.
 */
export class ItemProcessor {
  private draining: Promise<ProcessResult> | null = null;
  private stopped = false;
  private readonly batchSize: number;
  private readonly now: () => Date;

  constructor(private readonly deps: ProcessorDeps) {
    this.batchSize = deps.batchSize ?? DEFAULT_BATCH;
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Works through the queue, one batch per transaction and a turn of the event loop between batches,
   * until it is empty. One pass at a time: a call during a pass joins it, and then starts another if
   * items are still queued (stored after the pass found the queue empty). Never rejects: a storage error
   * is logged and ends the pass, and what is left waits for the next one.
   */
  drain(): Promise<ProcessResult> {
    if (this.draining) return this.draining.then((result) => (this.stopped || !this.deps.pending.any() ? result : this.drain()));
    this.draining = this.pass().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  /** Ends the pass in progress after its current batch; later passes do nothing. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.draining;
  }

  /**
   * Processes the next batch in one transaction; returns null when nothing is queued. An item whose
   * processing throws (a bug, not the database) is retried alone, and if it fails alone it is logged and
   * taken off the queue, so that one bad item never holds up the rest.
   */
  processNext(limit = this.batchSize): ProcessResult | null {
    try {
      return this.processBatch(limit);
    } catch (error) {
      if (describeDatabaseError(error)) throw error;
      if (limit > 1) return this.processNext(1);
      const [bad] = this.deps.transaction(() => this.deps.pending.next(1));
      if (!bad) return null;
      this.deps.log.error({ err: error, item: bad.item.id }, 'item could not be indexed, clustered or summarized; it stays stored but will not be alerted');
      this.deps.transaction(() => this.deps.pending.remove(bad.seq));
      return { items: 0, alerts: 0 };
    }
  }

  private processBatch(limit: number): ProcessResult | null {
    // Read first, without the write lock: an idle tick must not wait for another process's writes.
    if (!this.deps.pending.any()) return null;
    const now = this.now();
    const done = this.deps.transaction(() => {
      const batch = this.deps.pending.next(limit);
      if (batch.length === 0) return null;
      let alerts = 0;
      const llm: ItemRow[] = [];
      for (const group of runs(batch)) {
        const rows = group.map((pending) => pending.item);
        const [first] = group as [PendingItem];
        if (first.edited) {
          for (const row of rows) this.deps.index.replace(row.id, row.title, row.body);
          this.deps.summaries.fill(rows, { backlog: true });
          continue;
        }
        for (const row of rows) this.deps.index.add(row.id, row.title, row.body);
        this.deps.stories.assign(rows, first.feed_id, now).forEach(({ storyId }, i) => (rows[i]!.story_id = storyId));
        const backlog = first.item.backlog === 1;
        llm.push(...this.deps.summaries.fill(rows, { backlog }));
        if (!backlog) alerts += this.deps.router.route(rows, [first.source_name, first.source_url], now);
      }
      this.deps.pending.removeUpTo(batch.at(-1)!.seq);
      return { result: { items: batch.length, alerts }, llm };
    });
    if (!done) return null;
    this.deps.summaries.start(done.llm);
    return done.result;
  }

  private async pass(): Promise<ProcessResult> {
    const total: ProcessResult = { items: 0, alerts: 0 };
    try {
      while (!this.stopped) {
        const result = this.processNext();
        if (!result) break;
        total.items += result.items;
        total.alerts += result.alerts;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      const storage = describeDatabaseError(error);
      this.deps.log.error({ err: (error as Error).message }, storage ?? 'processing stored items failed; they stay queued');
    }
    if (total.items > 0) this.deps.log.debug(total, 'stored items processed');
    return total;
  }
}

/** Consecutive rows of one feed, alike in being edits or new items, and in being backlog or not. */
function runs(batch: PendingItem[]): PendingItem[][] {
  const groups: PendingItem[][] = [];
  for (const row of batch) {
    const last = groups.at(-1)?.[0];
    if (last && last.feed_id === row.feed_id && last.edited === row.edited && last.item.backlog === row.item.backlog && last.source_name === row.source_name) {
      groups.at(-1)!.push(row);
    } else groups.push([row]);
  }
  return groups;
}
