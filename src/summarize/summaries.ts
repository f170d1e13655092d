import type { ItemRow, ItemStore } from '../db/items.ts';
import { summarizeBuiltin, type SummaryLimits } from './builtin.ts';
import type { LlmSummaries } from './llm-summaries.ts';

/**
 * Gives each stored item its summary, once: alerts, search and `ainews items` read the stored text and
 * never summarize again, however many channels an item goes to.
 */
export class Summaries {
  constructor(
    private readonly items: ItemStore,
    private readonly limits: SummaryLimits,
    /** When an LLM is configured: it improves on the built-in summaries in the background. */
    readonly llm: LlmSummaries | null = null,
  ) {}

  /**
   * Gives new items their built-in summary now (the rows are updated in place) and, with an LLM, marks
   * them for a better one, unless they are a feed's first-poll backlog: no alert will show those, and a
   * first poll of twenty feeds would spend hundreds of calls. Runs inside the follow-up pass's
   * transaction that finishes them; returns what it marked, for `start` once that transaction has
   * committed.
   */
  async fill(rows: ItemRow[], options: { backlog?: boolean } = {}): Promise<ItemRow[]> {
    for (const row of rows) {
      row.summary = summarizeBuiltin(row, this.limits);
      row.summarizer = 'builtin';
      await this.items.setSummary(row.id, row.summary, row.summarizer);
    }
    return options.backlog || !this.llm ? [] : this.llm.markPending(rows);
  }

  /** After the transaction that called `fill` committed: starts the LLM on what it marked. */
  start(pending: ItemRow[]): void {
    this.llm?.start(pending);
  }

  /** Summarizes one item again, waiting for the LLM when there is one; returns what is now stored. */
  async redo(row: ItemRow): Promise<{ summary: string; summarizer: string }> {
    const builtin = summarizeBuiltin(row, this.limits);
    await this.items.setSummary(row.id, builtin, 'builtin');
    const llm = this.llm ? await this.llm.summarize(row) : null;
    return llm === null ? { summary: builtin, summarizer: 'builtin' } : { summary: llm, summarizer: this.llm!.summarizer };
  }
}
