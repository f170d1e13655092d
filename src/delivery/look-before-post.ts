import type { Outbox, OutboxRow } from '../db/outbox.ts';

/** One message to post: how to post it, how to look for an earlier attempt, and the sources it names. */
export interface Message {
  post: () => Promise<string>;
  look: ((since: Date) => Promise<string | null>) | null;
  shown: string[];
}

/** How one attempt at a claimed row went; a failure is for the retry policy to weigh. */
export type Attempt =
  | { result: 'sent'; messageId: string; found: boolean }
  /** The claim was taken over as stale before the request could go out: nothing was posted. */
  | { result: 'claim-lost' }
  | { result: 'failed'; error: unknown; stage: 'send' | 'lookup'; startedAt: Date };

export interface PostDeps {
  outbox: Pick<Outbox, 'startAttempt' | 'markSent'>;
  /** The worker holding the row's claim. */
  worker: string;
  /** Waits for the platform's pace in the row's channel. */
  pace: () => Promise<void>;
}

/**
 * Posts a claimed row's message so that it lands once on the platform's side. An earlier attempt whose
 * outcome is unknown (a crash, a timeout, a lost answer) may have been posted without us hearing of it:
 * it is looked for first, and recorded when found. Otherwise the attempt is recorded as under way before
 * its request goes out, so that if this one is lost too, the next attempt knows to look.
 */
export async function lookThenPost(row: OutboxRow, message: Message, { outbox, worker, pace }: PostDeps): Promise<Attempt> {
  if (row.attempt_started_at && message.look) {
    const earlier = new Date(row.attempt_started_at);
    let found: string | null;
    try {
      found = await message.look(earlier);
    } catch (error) {
      return { result: 'failed', error, stage: 'lookup', startedAt: earlier };
    }
    if (found) {
      await outbox.markSent(row.id, worker, found);
      return { result: 'sent', messageId: found, found: true };
    }
  }
  // The pace is waited for before the attempt is recorded, so that the mark is no older than the request.
  await pace();
  const startedAt = new Date();
  if (!(await outbox.startAttempt(row.id, worker, startedAt, message.shown))) return { result: 'claim-lost' };
  try {
    const messageId = await message.post();
    await outbox.markSent(row.id, worker, messageId);
    return { result: 'sent', messageId, found: false };
  } catch (error) {
    return { result: 'failed', error, stage: 'send', startedAt };
  }
}
