import type { ItemDelivery, Outbox } from '../src/db/outbox.ts';
import { localClock, localDayClock } from '../src/rhythm/local-time.ts';

const HELD_FOR = {
  quiet: 'held for quiet hours',
  limit: "held by this channel's limit of alerts per hour",
  digest: 'held for the digest, which replaces live alerts here',
} as const;

/**
 * What `why` says of an alert or update the channel's rhythm held back, or gathered into one message
 * with others: held until when, folded into which message, or in which digest. Null for any other row.
 */
export async function describeGathering(delivery: ItemDelivery, where: { outbox: Pick<Outbox, 'byId'>; zone: string; now: Date }): Promise<string[] | null> {
  const { zone, now } = where;
  const what = delivery.kind === 'alert' ? `Its alert (watch "${delivery.watch_query}")` : 'Its update of the story\'s alert';
  if (delivery.fold_id === null) {
    if (delivery.status !== 'held' || !delivery.held_for || !delivery.held_until) return null;
    const until = localClock(new Date(delivery.held_until), zone, now);
    if (delivery.held_for === 'digest') return [`${what} is ${HELD_FOR.digest}: it goes out in the digest of ${until}.`];
    return [`${what} is ${HELD_FOR[delivery.held_for]} until ${until}; then it goes out gathered with the others in one message.`];
  }
  const fold = await where.outbox.byId(delivery.fold_id);
  if (!fold) return [`${what} was gathered into a message that no longer exists.`];
  const at = fold.sent_at ?? fold.created_at;
  if (fold.kind === 'digest') {
    const digest = `the digest of ${localDayClock(new Date(fold.created_at), zone)} (${zone})`;
    return [fold.status === 'sent' ? `${what} went out in ${digest}.` : `${what} is in ${digest}, which is ${fold.status}${fold.last_error ? ` (${fold.last_error})` : ''}.`];
  }
  const why = delivery.held_for ? `${HELD_FOR[delivery.held_for]}, then ` : '';
  return [
    fold.status === 'sent'
      ? `${what} was ${why}folded into the message of ${localClock(new Date(at), zone, now)}, with the other stories held with it.`
      : `${what} was ${why}folded into a message that is ${fold.status}${fold.last_error ? ` (${fold.last_error})` : ''}.`,
  ];
}
