import type { Command } from 'commander';
import { channelPlatform } from '../channel-name.ts';
import { shortTime, truncate } from '../format.ts';
import { positiveInt, printJson, withApp } from './context.ts';
import { table } from './table.ts';
import type { DeliveryRow } from '../db/outbox.ts';
import { readPayload } from '../db/outbox-folds.ts';
import { readNotice } from '../db/outbox-notices.ts';
import { readMentions } from '../mention.ts';

export function registerDeliveriesCommand(program: Command): void {
  program
    .command('deliveries')
    .option('--channel <channel>', 'only this channel')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .description('alerts, updates, folds, digests and notices in the outbox, newest first, with their delivery status')
    .action(async (opts: { channel?: string; limit: string; json?: boolean }) => {
      const limit = positiveInt(opts.limit, '--limit', 10_000);
      if (opts.channel) channelPlatform(opts.channel);
      await withApp(async (app) => {
        const rows = await app.outbox.list({ channel: opts.channel, limit });
        if (opts.json) {
          return printJson(rows.map(deliveryJson));
        }
        if (rows.length === 0) return console.log('no alerts yet: add a watch with "ainews watch add <channel> <keyword>"');
        console.log(
          table(
            ['ID', 'CHANNEL', 'KIND', 'STATUS', 'TRIES', 'QUEUED', 'ITEM', 'LAST ERROR'],
            rows.map((r) => [String(r.id), r.channel, r.kind, statusOf(r), String(r.attempts), shortTime(r.created_at), truncate(whatOf(r), 50), r.last_error ?? '']),
          ),
        );
      });
    });
}

/** A delivery as `deliveries --json` prints it: the field names are a contract. */
export function deliveryJson(r: DeliveryRow) {
  return {
    id: r.id,
    channel: r.channel,
    item_id: r.item_id,
    title: r.title,
    watch: r.watch_query,
    kind: r.kind,
    story_id: r.story_id,
    status: r.status,
    held_until: r.held_until,
    held_for: r.held_for,
    fold_id: r.fold_id,
    mentions: readMentions(r.mentions).map((m) => m.id),
    attempts: r.attempts,
    last_error: r.last_error,
    created_at: r.created_at,
    sent_at: r.sent_at,
    platform_message_id: r.platform_message_id,
    translated: r.translated === null ? null : r.translated === 1,
    untranslated_reason: r.untranslated_reason,
    notice: r.kind === 'notice' ? (readNotice(r)?.text ?? null) : null,
  };
}

/** `held until 08:00Z`, `sent (in #12)` for a row gathered into a fold or digest, else the status. */
function statusOf(row: DeliveryRow): string {
  if (row.status === 'held' && row.held_until) return `held (${row.held_for}) until ${shortTime(row.held_until)}`;
  return row.fold_id === null ? row.status : `${row.status} (in #${row.fold_id})`;
}

function whatOf(row: DeliveryRow): string {
  if (row.kind === 'notice') return readNotice(row)?.text ?? '';
  if (row.kind === 'fold' || row.kind === 'digest') {
    const payload = readPayload(row);
    return payload ? `${payload.entries.length} of ${payload.total} stories` : '';
  }
  return `#${row.item_id} ${row.title}`;
}
