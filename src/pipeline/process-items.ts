import { setImmediate } from 'node:timers/promises';
import type { StoryClusterer } from '../cluster/clusterer.ts';
import { describeDatabaseError } from '../db/errors.ts';
import type { ItemRow } from '../db/items.ts';
import type { PendingItem, PendingItems } from '../db/pending-items.ts';
import type { SearchIndex } from '../db/search-index.ts';
import type { Logger } from '../log.ts';
import type { Summaries } from '../summarize/summaries.ts';
import { backoffDelay } from './backoff.ts';
import type { AlertRouter } from './route-alerts.ts';

export interface ProcessorDeps {
  pending: PendingItems;
  index: SearchIndex;
  clusterer: StoryClusterer;
  summaries: Summaries;
  router: AlertRouter;
  /** Runs `work` in one database transaction: the store calls it makes, awaited, join it. */
  transaction: <T>(work: () => Promise<T>) => Promise<T>;
  log: Logger;
  now?: () => Date;
}

export interface ProcessResult {
  /** Items finished: indexed, in a story, summarized and routed. */
  items: number;
  /** Alerts queued for them. */
  alerts: number;
}

/**
 * Items per transaction: the database is held (on SQLite, every other call into it waits) for one batch at a
 * time, not a whole poll. About 25 ms of work on a 2-core machine with full-text articles (npm run bench -- ingest).
 */
export const BATCH_SIZE = 32;

/**
 * The follow-up pass after a poll has stored its items: each new item is indexed for search, put in a
 * story, summarized and routed to alerts; an edited one is indexed and summarized again. Items are taken
 * from the queue (migration 009) oldest first, a batch per transaction, and a batch's rows leave the queue
 * in the transaction that finishes them: an item is never alerted twice, and never left out after a crash.
 */
export class ItemProcessor {
  private draining: Promise<Pass> | null = null;
  private stopped = false;
  private readonly now: () => Date;

  constructor(private readonly deps: ProcessorDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Works through the queue, one batch per transaction and a turn of the event loop between batches,
   * until nothing is due. One pass at a time: a call during a pass joins it, and then starts another if
   * that pass found the queue empty but items were stored since; not after a pass that ended on an error,
   * which would only meet it again. Never rejects: errors are logged, and what is left waits, queued.
   */
  drain(): Promise<ProcessResult> {
    if (this.draining) {
      return this.draining.then(async ({ total, ended }) => (ended === 'empty' && !this.stopped && (await this.anyDue()) ? this.drain() : total));
    }
    this.draining = this.pass().finally(() => {
      this.draining = null;
    });
    return this.draining.then(({ total }) => total);
  }

  /** Ends the pass in progress after its current batch; later passes do nothing. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.draining;
  }

  /**
   * Processes the next batch in one transaction; returns null when nothing is due. When a batch throws
   * (a bug, not the database), its items are processed one at a time instead (`processAlone`).
   */
  async processNext(): Promise<ProcessResult | null> {
    try {
      return await this.process(async () => this.deps.pending.next(BATCH_SIZE, this.now()));
    } catch (error) {
      if (describeDatabaseError(error)) throw error;
      return this.processAlone();
    }
  }

  /**
   * The due head of the queue, one item per transaction. An item that fails on its own has the attempt
   * recorded against its own row and waits before it is tried again (RETRY_BACKOFF: 1 min, doubling, at most an hour),
   * so it holds up nothing and is never given up on. When two items in a row fail on their own, the cause
   * is taken to be something other than the items (a stored watch that no longer parses, say): the pass
   * stops, and the items behind them stay queued as they were.
   */
  private async processAlone(): Promise<ProcessResult> {
    const total: ProcessResult = { items: 0, alerts: 0 };
    let failedInARow = 0;
    for (const { seq, item } of await this.deps.pending.next(BATCH_SIZE, this.now())) {
      try {
        const result = await this.process(async () => this.deps.pending.bySeq(seq, this.now()));
        total.items += result?.items ?? 0;
        total.alerts += result?.alerts ?? 0;
        failedInARow = 0;
      } catch (error) {
        if (describeDatabaseError(error)) throw error;
        const message = (error as Error).message;
        const at = this.now().getTime();
        const attempts = await this.deps.transaction(async () => this.deps.pending.fail(seq, message, (n) => new Date(at + backoffDelay(n, RETRY_BACKOFF))));
        this.deps.log.error(
          { err: error, item: item.id, attempts },
          'a stored item failed to be indexed, clustered, summarized or routed; it stays queued and is tried again later',
        );
        if (++failedInARow >= 2) throw new ProcessingHalted(message);
      }
    }
    return total;
  }

  /** Processes the rows `select` returns, in one transaction; null when it returns none. */
  private async process(select: () => Promise<PendingItem[]>): Promise<ProcessResult | null> {
    // Read first, without the write lock: an idle tick must not wait for another process's writes.
    if (!(await this.deps.pending.any(this.now()))) return null;
    const now = this.now();
    const done = await this.deps.transaction(async () => {
      await this.deps.pending.holdQueue();
      const batch = await select();
      if (batch.length === 0) return null;
      let alerts = 0;
      const llm: ItemRow[] = [];
      for (const group of runs(batch)) {
        const rows = group.map((pending) => pending.item);
        const [first] = group as [PendingItem];
        if (first.edited) {
          for (const row of rows) await this.deps.index.replace(row.id, row.title, row.body);
          await this.deps.summaries.fill(rows, { backlog: true });
          continue;
        }
        for (const row of rows) await this.deps.index.add(row.id, row.title, row.body);
        (await this.deps.clusterer.assign(rows, first.feed_id, now)).forEach(({ storyId }, i) => (rows[i]!.story_id = storyId));
        const backlog = first.item.backlog === 1;
        llm.push(...(await this.deps.summaries.fill(rows, { backlog })));
        alerts += await this.deps.router.route(rows, [first.source_name, first.source_url], now);
      }
      await this.deps.pending.remove(batch.map((row) => row.seq));
      return { result: { items: batch.length, alerts }, llm };
    });
    if (!done) return null;
    this.deps.summaries.start(done.llm);
    return done.result;
  }

  private async anyDue(): Promise<boolean> {
    try {
      return await this.deps.pending.any(this.now());
    } catch {
      // The database failing is logged by the pass that meets it.
      return false;
    }
  }

  private async pass(): Promise<Pass> {
    const total: ProcessResult = { items: 0, alerts: 0 };
    try {
      while (!this.stopped) {
        const result = await this.processNext();
        if (!result) return { total, ended: 'empty' };
        total.items += result.items;
        total.alerts += result.alerts;
        await setImmediate();
      }
      return { total, ended: 'stopped' };
    } catch (error) {
      const reason =
        error instanceof ProcessingHalted
          ? 'two stored items in a row failed on their own, so the cause is likely not the items; the rest stay queued for the next pass'
          : (describeDatabaseError(error) ?? 'processing stored items failed; they stay queued');
      this.deps.log.error({ err: (error as Error).message }, reason);
      return { total, ended: 'error' };
    } finally {
      if (total.items > 0) this.deps.log.debug(total, 'stored items processed');
    }
  }
}

/** How a pass ended: nothing left that is due, asked to stop, or on an error it would meet again. */
interface Pass {
  total: ProcessResult;
  ended: 'empty' | 'stopped' | 'error';
}

/** A failed item waits 1 min before its next attempt, doubling with each failure, at most an hour. */
const RETRY_BACKOFF = { baseMs: 60_000, maxMs: 3_600_000 };

/** Ends a pass early: items keep failing one after another, whatever the item. */
class ProcessingHalted extends Error {
  override name = 'ProcessingHalted';
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
