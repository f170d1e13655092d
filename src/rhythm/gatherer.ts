import type { ChannelSettings, ChannelSettingsStore } from '../db/channel-settings.ts';
import type { HeldFor } from '../db/outbox.ts';
import type { DigestCandidate, HeldRow, OutboxFolds, RoundupEntryRef } from '../db/outbox-folds.ts';
import type { Logger } from '../log.ts';
import { nextLocalTime } from './local-time.ts';
import { RhythmSettingError } from './local-time.ts';

/** Stories in one message: a fold with more goes out in parts; a digest shows its top ten. */
export const STORIES_PER_MESSAGE = 10;

const DAY_MS = 86_400_000;

/** The next digest after `after`, by the channel's schedule and zone. */
export function nextDigestAt(settings: Pick<ChannelSettings, 'digest' | 'timezone'>, after: Date): Date | null {
  const { digest } = settings;
  return digest ? nextLocalTime(digest.time, settings.timezone, after, digest.every === 'weekly' ? digest.day : null) : null;
}

/** Stories by the number of outlets carrying them, then the newest first. */
function byWeight(a: { outlets: number; published_at: string }, b: { outlets: number; published_at: string }): number {
  return b.outlets - a.outlets || b.published_at.localeCompare(a.published_at);
}

/**
 * Turns what channels hold back into messages: the digests that are due, and the held rows whose time
 * has come, each channel's gathered into one fold (in parts of ten stories when there are more). Each
 * channel's work is one transaction: a fold or digest row is queued together with the rows it gathers
 * and the schedule's next time, so that nothing is gathered twice, or lost, whoever runs it and however
 * it is interrupted.
 */
export class Gatherer {
  constructor(
    private readonly deps: {
      folds: OutboxFolds;
      settings: Pick<ChannelSettingsStore, 'get' | 'lock' | 'dueDigests' | 'scheduleDigest'>;
      /** Runs `work` in one write transaction. */
      transaction: <T>(work: () => Promise<T>) => Promise<T>;
      log: Logger;
    },
  ) {}

  /** Queues the digests due by `now`, then folds the held rows due; returns how many rows each queued. */
  async gather(now = new Date()): Promise<{ digests: number; folds: number }> {
    let digests = 0;
    let folds = 0;
    for (const settings of await this.deps.settings.dueDigests(now)) {
      try {
        // Due again inside the transaction: another worker on the database may have queued it since.
        const queued = await this.deps.transaction(async () => {
          await this.deps.settings.lock(settings.channel);
          return (await this.digestDue(settings.channel, now)) && (await this.queueDigest(settings.channel, now)).id !== null;
        });
        if (queued) digests++;
      } catch (error) {
        this.deps.log.error({ err: error, channel: settings.channel }, 'could not queue a digest; it is tried again on the next round');
      }
    }
    for (const channel of await this.deps.folds.channelsDue(now)) {
      try {
        folds += await this.deps.transaction(() => this.fold(channel, now));
      } catch (error) {
        this.deps.log.error({ err: error, channel }, 'could not gather held alerts; it is tried again on the next round');
      }
    }
    return { digests, folds };
  }

  private async digestDue(channel: string, now: Date): Promise<boolean> {
    const next = (await this.deps.settings.get(channel)).nextDigestAt;
    return next !== null && Date.parse(next) <= now.getTime();
  }

  /**
   * Queues the channel's digest of the stories its watches matched since its previous digest, and moves
   * its schedule on; the id is null when there was nothing to tell (an empty period sends nothing). Call
   * it in a transaction.
   */
  async queueDigest(channel: string, now: Date): Promise<{ id: number | null; stories: number }> {
    await this.deps.settings.lock(channel);
    const settings = await this.deps.settings.get(channel);
    const { digest } = settings;
    if (!digest) throw new RhythmSettingError(`${channel} has no digest; set one with: digest daily 09:00`);
    const periodMs = (digest.every === 'daily' ? 1 : 7) * DAY_MS;
    const since = settings.lastDigestAt ? new Date(settings.lastDigestAt) : new Date(now.getTime() - periodMs);
    const { folds } = this.deps;
    const held = await folds.held(channel, null, 'digest');
    const stories = new Map<number, DigestCandidate>();
    for (const row of await folds.digestCandidates(channel, since, now)) stories.set(row.story_id, row);
    for (const row of held) if (!stories.has(row.story_id)) stories.set(row.story_id, { ...row, status: 'held', fold_id: null });
    const ranked = [...stories.values()].sort(byWeight);
    await this.deps.settings.scheduleDigest(channel, nextDigestAt(settings, now)!, now);
    if (ranked.length === 0) return { id: null, stories: 0 };
    const entries: RoundupEntryRef[] = ranked
      .slice(0, STORIES_PER_MESSAGE)
      .map(({ story_id, item_id, outlets, status }) => ({ story_id, item_id, outlets, alerted: status === 'sent' }));
    const payload = {
      reason: 'digest' as const,
      entries,
      total: ranked.length,
      part: 1,
      parts: 1,
      digest: { since: since.toISOString(), until: now.toISOString(), every: digest.every, zone: settings.timezone },
    };
    const id = await folds.queue('digest', channel, payload, now);
    await folds.gather(held.map((row) => row.id), id);
    return { id, stories: ranked.length };
  }

  /** Gathers the channel's held rows due by `now` into fold rows; returns how many. Call it in a transaction. */
  async fold(channel: string, now: Date): Promise<number> {
    await this.deps.settings.lock(channel);
    const rows = await this.deps.folds.held(channel, now);
    if (rows.length === 0) return 0;
    const stories = new Map<number, { ref: RoundupEntryRef; published_at: string; outlets: number; ids: number[] }>();
    for (const row of rows) {
      const story = stories.get(row.story_id);
      if (story) {
        story.ids.push(row.id);
        if (row.kind === 'alert') story.ref.item_id = row.item_id;
      } else {
        stories.set(row.story_id, { ref: refOf(row), published_at: row.published_at, outlets: row.outlets, ids: [row.id] });
      }
    }
    const ranked = [...stories.values()].sort(byWeight);
    const reason = reasonOf(rows);
    const parts = Math.ceil(ranked.length / STORIES_PER_MESSAGE);
    for (let part = 0; part < parts; part++) {
      const chunk = ranked.slice(part * STORIES_PER_MESSAGE, (part + 1) * STORIES_PER_MESSAGE);
      const id = await this.deps.folds.queue('fold', channel, { reason, entries: chunk.map((s) => s.ref), total: ranked.length, part: part + 1, parts }, now);
      await this.deps.folds.gather(chunk.flatMap((s) => s.ids), id);
    }
    this.deps.log.info({ channel, stories: ranked.length, rows: rows.length, reason, parts }, 'held alerts gathered into one message');
    return parts;
  }
}

function refOf(row: HeldRow): RoundupEntryRef {
  return { story_id: row.story_id, item_id: row.item_id, outlets: row.outlets, alerted: false };
}

/** What a fold says it gathered: quiet hours above the limit above a digest turned off. */
function reasonOf(rows: HeldRow[]): HeldFor {
  const reasons = new Set(rows.map((row) => row.held_for));
  return reasons.has('quiet') ? 'quiet' : reasons.has('limit') ? 'limit' : 'digest';
}
