import type { ItemRow } from '../../db/items.ts';
import { shortTime } from '../../format.ts';
import type { PollOutcome } from '../../pipeline/poll-feed.ts';

/** The embedded default output: each new item as a line or two on stdout. */
export function printOutcome(outcome: PollOutcome, write: (line: string) => void): void {
  const source = outcome.feed.name ?? outcome.feed.url;
  if (outcome.backlog > 0) {
    write(`[${source}] first poll: stored ${outcome.backlog} existing items as backlog (searchable, never alerted)`);
  }
  for (const item of outcome.fresh) write(formatItem(item, source));
  if (outcome.result === 'failed') write(`[${source}] poll failed: ${outcome.error}${outcome.disabled ? ' (feed disabled)' : ''}`);
}

export function formatItem(item: ItemRow, source: string): string {
  return `${shortTime(item.published_at)}  [${source}] ${item.title}${item.url ? `\n                   ${item.url}` : ''}`;
}
