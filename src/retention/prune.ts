import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import type { ItemCursor, ItemRetention } from '../db/item-retention.ts';
import type { OutboxRetention } from '../db/outbox-retention.ts';
import type { SearchMerges } from '../db/search-merges.ts';
import type { StorageSizes } from '../db/open-storage.ts';
import type { Tombstones } from '../db/tombstones.ts';

/** Rows per transaction: each batch holds the write lock for tens of milliseconds (npm run bench -- prune). */
export const BATCH_SIZE = 500;

/** Leaf pages of search index merge work per transaction once items are deleted: about 20 ms. */
export const MERGE_PAGES = 100;

/** How long the outbox keeps a delivery once it is sent, has failed or was skipped. */
export const OUTBOX_HISTORY_MS = 30 * 86_400_000;

export interface RetentionDeps {
  items: ItemRetention;
  outbox: OutboxRetention;
  tombstones: Tombstones;
  search: SearchMerges;
  /** Runs `work` in one IMMEDIATE transaction: the write lock is taken at once, and held until it ends. */
  transaction: <T>(work: () => Promise<T>) => Promise<T>;
  size: () => Promise<StorageSizes>;
  /** When a prune last finished here, and recording that one just did. */
  lastRun: () => Promise<Date | null>;
  recordRun: (at: Date) => Promise<void>;
  /** AINEWS_RETENTION; 0 keeps everything. */
  retentionMs: number;
}

/** What a prune deleted, or would delete on a dry run. The field names are `ainews prune --json`'s. */
export interface PruneReport {
  dry_run: boolean;
  /** Items first seen before this go; null when AINEWS_RETENTION=0 (nothing is pruned). */
  cutoff: string | null;
  /** Outbox rows finished before this go. */
  outbox_cutoff: string | null;
  items: number;
  /** Items first seen before the cut that stay: their story has a newer item, or an unsent delivery shows them. */
  kept_items: number;
  outbox_rows: number;
  /** Tombstones left by the items pruned now, and all those kept (feeds still list them). */
  tombstones_added: number;
  tombstones: number;
  /**
   * Transactions that deleted something, and the longest write transaction of the prune (those merging
   * the search index afterwards included): how long the write lock was held at once.
   */
  batches: number;
  longest_lock_ms: number;
  elapsed_ms: number;
  /** Free pages gained inside the database file (reused by new rows; VACUUM gives them back). Null on a dry run. */
  freed_bytes: number | null;
  size_bytes: number;
  /** The prune was stopped (the bot is stopping) before it was through. */
  stopped: boolean;
}

interface Progress {
  batches: number;
  longestLockMs: number;
}

/**
 * Deletes what AINEWS_RETENTION no longer keeps: first the outbox's history (rows finished more than 30
 * days ago), then old items with every row about them, leaving tombstones; then the search index merges
 * away what the deleted items left in it (src/db/search-merges.ts). Work goes in batches of BATCH_SIZE,
 * each in its own IMMEDIATE transaction; between two, the event loop turns and the lock is left free for
 * as long as the batch held it, so that the bot's writes, and another process's, get their turn. A dry
 * run walks the same batches and deletes nothing.
 */
export class Retention {
  private stopping = false;

  constructor(private readonly deps: RetentionDeps) {}

  get enabled(): boolean {
    return this.deps.retentionMs > 0;
  }

  async lastRun(): Promise<Date | null> {
    return this.deps.lastRun();
  }

  /** Ends a prune in progress after its current batch; later prunes do nothing. */
  stop(): void {
    this.stopping = true;
  }

  async prune(options: { now?: Date; dryRun?: boolean } = {}): Promise<PruneReport> {
    const started = performance.now();
    const now = options.now ?? new Date();
    const dryRun = options.dryRun ?? false;
    const before = await this.deps.size();
    const report: PruneReport = {
      dry_run: dryRun,
      cutoff: null,
      outbox_cutoff: null,
      items: 0,
      kept_items: 0,
      outbox_rows: 0,
      tombstones_added: 0,
      tombstones: 0,
      batches: 0,
      longest_lock_ms: 0,
      elapsed_ms: 0,
      freed_bytes: dryRun ? null : 0,
      size_bytes: before.bytes,
      stopped: false,
    };
    if (this.enabled) {
      const cut = new Date(now.getTime() - this.deps.retentionMs);
      const outboxCut = new Date(now.getTime() - OUTBOX_HISTORY_MS);
      Object.assign(report, { cutoff: cut.toISOString(), outbox_cutoff: outboxCut.toISOString() });
      const progress: Progress = { batches: 0, longestLockMs: 0 };
      const outbox = await this.pruneOutbox(outboxCut, dryRun, progress);
      const items = await this.pruneItems(cut, now, dryRun, progress, outbox.ids);
      const after = await this.deps.size();
      Object.assign(report, {
        items: items.items,
        kept_items: (await this.deps.items.olderThan(cut)) - (dryRun ? items.items : 0),
        outbox_rows: outbox.rows + items.outbox,
        tombstones_added: items.tombstones,
        tombstones: (await this.deps.tombstones.count()) + (dryRun ? items.tombstones : 0),
        batches: progress.batches,
        longest_lock_ms: round(progress.longestLockMs),
        freed_bytes: dryRun || after.freeBytes === null || before.freeBytes === null ? null : Math.max(0, after.freeBytes - before.freeBytes),
        size_bytes: after.bytes,
        stopped: this.stopping,
      });
      if (!dryRun && !this.stopping) await this.deps.recordRun(now);
    }
    report.elapsed_ms = round(performance.now() - started);
    return report;
  }

  /** The outbox's finished rows; on a dry run, the ids that would go (for the item pass not to count them twice). */
  private async pruneOutbox(cut: Date, dryRun: boolean, progress: Progress): Promise<{ rows: number; ids: Set<number> }> {
    const { outbox } = this.deps;
    const gone = { rows: 0, ids: new Set<number>() };
    let after = 0;
    while (!this.stopping) {
      const batch = await this.batch(dryRun, progress, async () => {
        const ids = await outbox.prunable(cut, after, BATCH_SIZE);
        if (ids.length === 0) return null;
        if (!dryRun) return { last: ids.at(-1)!, rows: await outbox.delete(ids) };
        const all = [...ids, ...(await outbox.gathered(ids))];
        all.forEach((id) => gone.ids.add(id));
        return { last: ids.at(-1)!, rows: all.length };
      });
      if (!batch) break;
      gone.rows += batch.rows;
      after = batch.last;
    }
    return gone;
  }

  private async pruneItems(cut: Date, now: Date, dryRun: boolean, progress: Progress, outboxGone: Set<number>) {
    const { items, tombstones, search } = this.deps;
    const total = { items: 0, outbox: 0, tombstones: 0 };
    let after: ItemCursor | null = null;
    let held = false;
    try {
      while (!this.stopping) {
        const batch = await this.batch(dryRun, progress, async () => {
          const rows = await items.prunable(cut, after, BATCH_SIZE);
          if (rows.length === 0) return null;
          const ids = rows.map((row) => row.id);
          const last = rows.at(-1)!;
          if (dryRun) {
            const outbox = (await items.deliveriesOf(ids)).filter((id) => !outboxGone.has(id)).length;
            return { last, items: rows.length, outbox, tombstones: await items.entriesOf(ids) };
          }
          if (!held) await search.hold();
          held = true;
          // The tombstones first: they are read from the sources about to be deleted.
          const buried = await tombstones.bury(ids, now);
          return { last, ...(await items.delete(rows)), tombstones: buried };
        });
        if (!batch) break;
        total.items += batch.items;
        total.outbox += batch.outbox;
        total.tombstones += batch.tombstones;
        after = { firstSeenAt: batch.last.first_seen_at, id: batch.last.id };
      }
    } finally {
      if (held) {
        await this.deps.transaction(async () => {
          await search.resume();
        });
      }
    }
    if (held) await this.mergeSearchIndex(progress);
    return total;
  }

  /** The search index's merge work, a little at a time, until none is left or the prune is stopped. */
  private async mergeSearchIndex(progress: Progress): Promise<void> {
    while (!this.stopping) {
      const more = await this.batch(false, progress, async () => (await this.deps.search.step(MERGE_PAGES)) || null, false);
      if (!more) return;
    }
  }

  /**
   * One batch: in its own transaction (a dry run only reads), timed from when the lock is held to when it
   * is released; then a pause as long, so that waiting writers get the lock in between.
   */
  private async batch<T>(dryRun: boolean, progress: Progress, work: () => Promise<T | null>, counted = true): Promise<T | null> {
    if (dryRun) {
      const result = await work();
      await setImmediate();
      if (result !== null) progress.batches++;
      return result;
    }
    let locked = 0;
    const result = await this.deps.transaction(() => {
      locked = performance.now();
      return work();
    });
    const held = performance.now() - locked;
    if (result === null) return null;
    if (counted) progress.batches++;
    progress.longestLockMs = Math.max(progress.longestLockMs, held);
    await sleep(Math.max(1, Math.ceil(held)));
    return result;
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
