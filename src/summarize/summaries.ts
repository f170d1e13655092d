import type { ItemRow, ItemStore } from '../db/items.ts';
import { summarizeBuiltin, type SummaryLimits } from './builtin.ts';

/**
 * Gives each stored item its summary, once: alerts, search and `ainews items` read the stored text and
 * never summarize again, however many channels an item goes to.
 */
export class Summaries {
  constructor(
    private readonly items: ItemStore,
    private readonly limits: SummaryLimits,
  ) {}

  /** Summarizes and stores; the rows are updated in place so that callers see the summary. */
  fill(rows: ItemRow[]): void {
    for (const row of rows) {
      row.summary = summarizeBuiltin(row, this.limits);
      row.summarizer = 'builtin';
      this.items.setSummary(row.id, row.summary, row.summarizer);
    }
  }
}
