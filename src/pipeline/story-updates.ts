import type { OutboxRow, UpdateState } from '../db/outbox.ts';

/** How often a story's alert is updated with its later sources. */
export interface UpdateSettings {
  /** Sources arriving within this time of the first make one update. */
  delayMs: number;
  /** At least this long between two updates of one alert. */
  intervalMs: number;
  /** At most this many updates per alert. */
  max: number;
}

/**
 * Whether a channel's alert about a story can be updated for a later source of it. None is needed while
 * the alert has not been tried or is held (it will name every source when it goes out), and none is
 * possible once it failed, or once it went out gathered in a fold or digest (that message is not the
 * alert's to reply to or to edit).
 */
export function takesUpdates(alert: Pick<OutboxRow, 'kind' | 'status' | 'attempts'> & { fold_id?: number | null }): boolean {
  if (alert.kind !== 'alert' || (alert.fold_id ?? null) !== null) return false;
  return alert.status !== 'failed' && alert.status !== 'held' && !(alert.status === 'pending' && alert.attempts === 0);
}

/**
 * When an update of an alert for a later source is due, given the updates the alert already has, or null
 * when none is to be queued: while an update waits that has not been tried (it will name this source
 * too), or once the alert made its `max` updates. An update is due `delayMs` from now, and `intervalMs`
 * after the alert's previous update, so that twenty sources never make twenty messages.
 */
export function updateDueAt(updates: UpdateState[], settings: UpdateSettings, now: Date): Date | null {
  // An update retried after an unknown outcome may turn out to have been posted as it was: it cannot
  // take this source in, so another update follows it.
  const waiting = (u: UpdateState) => (u.status === 'pending' || u.status === 'retrying' || u.status === 'held') && u.attempt_started_at === null;
  if (updates.some(waiting)) return null;
  const made = updates.filter((u) => u.status !== 'failed' && u.status !== 'skipped');
  if (made.length >= settings.max) return null;
  const previous = Math.max(0, ...made.map((u) => Date.parse(u.sent_at ?? u.attempt_started_at ?? u.claimed_at ?? u.created_at)));
  return new Date(Math.max(now.getTime() + settings.delayMs, previous ? previous + settings.intervalMs : 0));
}
