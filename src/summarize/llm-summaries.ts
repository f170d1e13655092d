import type { ItemRow, ItemStore } from '../db/items.ts';
import type { SummaryPending } from '../db/summary-pending.ts';
import type { Logger } from '../log.ts';
import { WorkQueue } from './work-queue.ts';
import { countsCharacters, fit, type SummaryLimits } from './builtin.ts';
import { cleanArticle } from './clean-article.ts';
import type { LlmCalls } from './llm-calls.ts';
import { requestSummary } from './llm-client.ts';

/** Articles shorter than this (cleaned) are their own summary: no call is spent on them. */
const MIN_LLM_CHARS = 200;

/**
 * LLM summaries, made in the background with bounded concurrency so that polling never waits for them.
 * An item keeps its built-in summary until the LLM's arrives; on any failure (error, timeout, 429,
 * malformed reply, exhausted budget) the built-in one simply stays. While an item is pending, its alerts
 * wait, up to LLM_ALERT_WAIT.
 */
export class LlmSummaries {
  private readonly queue: WorkQueue<ItemRow>;
  private stopped = false;
  private readonly abort = new AbortController();
  /** Called when an item's summary is final, so that its waiting alerts can go (set by `ainews run`). */
  onSettled: (() => void) | null = null;

  constructor(
    private readonly deps: {
      items: ItemStore;
      pending: SummaryPending;
      /** The LLM, its budget and its pace, shared with translations. */
      calls: LlmCalls;
      limits: SummaryLimits;
      concurrency: number;
      log: Logger;
    },
  ) {
    this.queue = new WorkQueue(deps.concurrency, async (row) => void (await this.summarize(row)));
  }

  get summarizer(): string {
    return `llm:${this.deps.calls.settings.model}`;
  }

  /**
   * Marks the items worth an LLM summary as pending, inside the transaction of the follow-up pass that
   * summarizes and routes them (so that a rollback takes the marks with it), and returns them: pass them
   * to `start` once it has committed. Items whose cleaned text is short keep the built-in summary, which
   * is then the text itself.
   */
  async markPending(rows: ItemRow[]): Promise<ItemRow[]> {
    const worth = rows.filter((row) => [...cleanArticle(row.body)].length >= MIN_LLM_CHARS);
    await this.deps.pending.mark(worth.map((row) => row.id));
    return worth;
  }

  /** Starts on items marked pending, after their transaction committed. */
  start(rows: ItemRow[]): void {
    if (rows.length === 0 || this.stopped) return;
    this.queue.push(rows, true);
  }

  /**
   * Stops before the database closes: drops what is queued (it keeps the built-in summary), cancels the
   * requests in flight and waits for them to settle.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.deps.pending.clear(this.queue.drain().map((row) => row.id));
    this.abort.abort();
    await this.idle();
  }

  /** Items left pending by a process that stopped without settling them: their alerts need not wait. */
  async clearAbandoned(olderThanMs: number): Promise<void> {
    await this.deps.pending.clearSeenBefore(new Date(Date.now() - olderThanMs));
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Summarizes one item now, returning what it stored (the LLM's summary, or null when it fell back). */
  async summarize(row: ItemRow): Promise<string | null> {
    const log = this.deps.log.child({ item: row.id });
    try {
      const limit = this.limitText(row);
      const { calls } = this.deps;
      const summary = await calls.call(this.abort.signal, async () => {
        const { summary: text, tokens } = await requestSummary({ ...row, body: cleanArticle(row.body) }, calls.settings, limit.text, this.abort.signal);
        return { value: text, tokens };
      });
      const bounded = fit(summary, limit.lang, limit.value);
      await this.deps.items.setSummary(row.id, bounded, this.summarizer);
      return bounded;
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'LLM summary failed; the built-in summary stays');
      return null;
    } finally {
      await this.deps.pending.clear([row.id]);
      this.onSettled?.();
    }
  }

  /** The length asked of the model, in the language the summary is written in. */
  private limitText(row: ItemRow): { text: string; lang: 'zh' | 'en'; value: number } {
    const target = this.deps.calls.settings.summaryLanguage?.toLowerCase();
    const chinese = target ? /chinese|japanese|中文|日本語|zh|ja/.test(target) : countsCharacters(row.lang, row.body);
    return chinese
      ? { text: `at most ${this.deps.limits.zhChars} characters`, lang: 'zh', value: this.deps.limits.zhChars }
      : { text: `at most ${this.deps.limits.enWords} words`, lang: 'en', value: this.deps.limits.enWords };
  }
}
