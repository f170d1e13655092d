import { describe, expect, it } from 'vitest';
import type { UpdateState } from '../../src/db/outbox.ts';
import { takesUpdates, updateDueAt, type UpdateSettings } from '../../src/pipeline/story-updates.ts';

const settings: UpdateSettings = { delayMs: 600_000, intervalMs: 3_600_000, max: 3 };
const now = new Date('2025-08-07T12:00:00.000Z');
const minutesAgo = (n: number) => new Date(now.getTime() - n * 60_000).toISOString();
const update = (state: Partial<UpdateState>): UpdateState => ({
  status: 'sent',
  created_at: minutesAgo(120),
  claimed_at: null,
  sent_at: null,
  attempt_started_at: null,
  ...state,
});

describe('story updates', () => {
  it('updates an alert once it has been tried, never one still untried or failed for good', () => {
    expect(takesUpdates({ kind: 'alert', status: 'sent', attempts: 1 })).toBe(true);
    expect(takesUpdates({ kind: 'alert', status: 'retrying', attempts: 1 })).toBe(true);
    expect(takesUpdates({ kind: 'alert', status: 'pending', attempts: 1 })).toBe(true);
    expect(takesUpdates({ kind: 'alert', status: 'pending', attempts: 0 })).toBe(false);
    expect(takesUpdates({ kind: 'alert', status: 'failed', attempts: 8 })).toBe(false);
    expect(takesUpdates({ kind: 'update', status: 'sent', attempts: 1 })).toBe(false);
  });

  it('gathers sources for STORY_UPDATE_DELAY before the first update', () => {
    expect(updateDueAt([], settings, now)).toEqual(new Date(now.getTime() + 600_000));
  });

  it('spaces updates STORY_UPDATE_INTERVAL after the previous one, by when it was sent or last tried', () => {
    expect(updateDueAt([update({ sent_at: minutesAgo(30) })], settings, now)).toEqual(new Date(now.getTime() + 30 * 60_000));
    expect(updateDueAt([update({ status: 'retrying', attempt_started_at: minutesAgo(40) })], settings, now)).toEqual(new Date(now.getTime() + 20 * 60_000));
    // Long ago: only the delay counts.
    expect(updateDueAt([update({ sent_at: minutesAgo(600) })], settings, now)).toEqual(new Date(now.getTime() + 600_000));
  });

  it('adds none while an untried update waits, which will name the new source too', () => {
    expect(updateDueAt([update({ sent_at: minutesAgo(600) }), update({ status: 'pending' })], settings, now)).toBeNull();
    expect(updateDueAt([update({ status: 'retrying' })], settings, now)).toBeNull();
  });

  it('stops at STORY_MAX_UPDATES, not counting updates that failed or were skipped', () => {
    const made = Array.from({ length: 3 }, () => update({ sent_at: minutesAgo(600) }));
    expect(updateDueAt(made, settings, now)).toBeNull();
    const notMade = [update({ status: 'failed' }), update({ status: 'skipped', sent_at: minutesAgo(1) })];
    expect(updateDueAt([...made.slice(1), ...notMade], settings, now)).toEqual(new Date(now.getTime() + 600_000));
  });
});
