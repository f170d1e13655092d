import type { Database } from 'better-sqlite3';
import type { ItemRow, ItemStore } from '../db/items.ts';
import type { Logger } from '../log.ts';
import { fit, type SummaryLimits } from './builtin.ts';
import { LlmError, requestSummary, type LlmSettings } from './llm-client.ts';

export interface LlmBudget {
  dailyCalls: number;
  dailyTokens: number;
}

/**
 * LLM summaries, made in the background with bounded concurrency so that polling never waits for them.
 * An item keeps its built-in summary until the LLM's arrives; on any failure (error, timeout, 429,
 * malformed reply, exhausted budget) the built-in one simply stays. While an item is pending, its alerts
 * wait, up to LLM_ALERT_WAIT.
 */
export class LlmSummaries {
  private readonly queue: ItemRow[] = [];
  private active = 0;
  private pausedUntil = 0;
  private waiters: (() => void)[] = [];
  /** Called when an item's summary is final, so that its waiting alerts can go (set by `ainews run`). */
  onSettled: (() => void) | null = null;

  constructor(
    private readonly deps: {
      db: Database;
      items: ItemStore;
      settings: LlmSettings;
      limits: SummaryLimits;
      concurrency: number;
      budget: LlmBudget;
      log: Logger;
    },
  ) {}

  get summarizer(): string {
    return `llm:${this.deps.settings.model}`;
  }

  /** Marks the items pending (in the caller's transaction) and starts on them once it commits. */
  enqueue(rows: ItemRow[]): void {
    if (rows.length === 0) return;
    const mark = this.deps.db.prepare('UPDATE items SET summary_pending = 1 WHERE id = ?');
    for (const row of rows) mark.run(row.id);
    this.queue.push(...rows);
    setImmediate(() => this.pump());
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Summarizes one item now, returning what it stored (the LLM's summary, or null when it fell back). */
  async summarize(row: ItemRow): Promise<string | null> {
    const log = this.deps.log.child({ item: row.id });
    try {
      if (Date.now() < this.pausedUntil) throw new LlmError('the LLM asked to wait (429 Retry-After)');
      if (!this.reserveCall()) throw new LlmError('the daily LLM budget is spent');
      const limit = this.limitText(row);
      const { summary, tokens } = await requestSummary(row, this.deps.settings, limit.text);
      this.addTokens(tokens);
      const bounded = fit(summary, limit.lang, limit.value);
      this.deps.items.setSummary(row.id, bounded, this.summarizer);
      return bounded;
    } catch (error) {
      if (error instanceof LlmError && error.retryAfterMs) this.pausedUntil = Date.now() + error.retryAfterMs;
      log.warn({ err: (error as Error).message }, 'LLM summary failed; the built-in summary stays');
      return null;
    } finally {
      this.deps.db.prepare('UPDATE items SET summary_pending = 0 WHERE id = ?').run(row.id);
      this.onSettled?.();
    }
  }

  private pump(): void {
    while (this.active < this.deps.concurrency && this.queue.length > 0) {
      const row = this.queue.shift()!;
      this.active++;
      void this.summarize(row).finally(() => {
        this.active--;
        this.pump();
        if (this.active === 0 && this.queue.length === 0) for (const resolve of this.waiters.splice(0)) resolve();
      });
    }
  }

  /** The length asked of the model, in the language the summary is written in. */
  private limitText(row: ItemRow): { text: string; lang: 'zh' | 'en'; value: number } {
    const target = this.deps.settings.summaryLanguage?.toLowerCase();
    const chinese = target ? /chinese|中文|zh/.test(target) : row.lang === 'zh';
    return chinese
      ? { text: `at most ${this.deps.limits.zhChars} characters`, lang: 'zh', value: this.deps.limits.zhChars }
      : { text: `at most ${this.deps.limits.enWords} words`, lang: 'en', value: this.deps.limits.enWords };
  }

  private reserveCall(): boolean {
    const day = new Date().toISOString().slice(0, 10);
    const { budget } = this.deps;
    const reserved = this.deps.db
      .prepare(
        `INSERT INTO llm_usage (day, calls) VALUES (@day, 1)
         ON CONFLICT (day) DO UPDATE SET calls = calls + 1 WHERE calls < @calls AND tokens < @tokens`,
      )
      .run({ day, calls: budget.dailyCalls, tokens: budget.dailyTokens });
    return reserved.changes > 0 && budget.dailyCalls > 0;
  }

  private addTokens(tokens: number): void {
    this.deps.db.prepare('UPDATE llm_usage SET tokens = tokens + ? WHERE day = ?').run(tokens, new Date().toISOString().slice(0, 10));
  }
}
