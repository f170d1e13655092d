import type { ChannelSettings, ChannelSettingsStore, DigestSetting, QuietSetting } from '../db/channel-settings.ts';
import type { OutboxFolds } from '../db/outbox-folds.ts';
import { nextDigestAt, type Gatherer } from './gatherer.ts';
import { checkZone, quietUntil } from './local-time.ts';

/**
 * What commands change of a channel's rhythm, and what each change does to what the channel holds:
 * turning quiet hours, the limit or a digest-only digest off releases what they held, gathered into one
 * message at once; a new zone or schedule moves the holds and the next digest with it. Each change is
 * one transaction.
 */
export class ChannelRhythm {
  constructor(
    private readonly deps: {
      settings: ChannelSettingsStore;
      folds: Pick<OutboxFolds, 'releaseNow' | 'reschedule'>;
      gatherer: Pick<Gatherer, 'fold' | 'queueDigest'>;
      transaction: <T>(work: () => Promise<T>) => Promise<T>;
    },
  ) {}

  async settings(channel: string): Promise<ChannelSettings> {
    return this.deps.settings.get(channel);
  }

  /** Sets the channel's zone (null: back to the default); returns its canonical name. */
  async setTimezone(channel: string, zone: string | null, now = new Date()): Promise<ChannelSettings> {
    const name = zone === null ? null : checkZone(zone);
    return this.change(channel, now, async () => {
      await this.deps.settings.setTimezone(channel, name, now);
    }, true);
  }

  async setDigest(channel: string, digest: DigestSetting | null, now = new Date()): Promise<ChannelSettings> {
    return this.change(channel, now, async () => {
      const { settings, folds } = this.deps;
      const zone = (await settings.get(channel)).timezone;
      await settings.setDigest(channel, digest, digest ? nextDigestAt({ digest, timezone: zone }, now) : null, now);
      // Alerts held for a digest that no longer replaces them go out now, gathered.
      if (!digest?.only) await folds.releaseNow(channel, 'digest', now);
    }, true);
  }

  async setQuiet(channel: string, quiet: QuietSetting | null, now = new Date()): Promise<ChannelSettings> {
    return this.change(channel, now, async () => {
      await this.deps.settings.setQuiet(channel, quiet, now);
    });
  }

  async setLimit(channel: string, perHour: number | null, now = new Date()): Promise<ChannelSettings> {
    return this.change(channel, now, async () => {
      await this.deps.settings.setLimit(channel, perHour, now);
      if (perHour === null) await this.deps.folds.releaseNow(channel, 'limit', now);
    });
  }

  async setMinSources(channel: string, min: number | null, now = new Date()): Promise<ChannelSettings> {
    return this.deps.transaction(async () => {
      await this.deps.settings.setMinSources(channel, min, now);
      return this.deps.settings.get(channel);
    });
  }

  async setLanguage(channel: string, language: 'en' | 'zh' | null, now = new Date()): Promise<ChannelSettings> {
    return this.deps.transaction(async () => {
      await this.deps.settings.setLanguage(channel, language, now);
      return this.deps.settings.get(channel);
    });
  }

  /** Queues the channel's digest now, as its schedule would; the id is null when there was nothing to tell. */
  async sendDigest(channel: string, now = new Date()): Promise<{ id: number | null; stories: number }> {
    return this.deps.transaction(() => this.deps.gatherer.queueDigest(channel, now));
  }

  /**
   * Applies a change, then brings what the channel holds in line with its settings: when the zone or
   * the schedule changed (`reschedule`), the next digest and its holds follow them; rows held for quiet
   * hours wait until the end of the quiet hours now set, or go now when there are none; what is due is
   * gathered at once.
   */
  private async change(channel: string, now: Date, apply: () => Promise<void>, reschedule = false): Promise<ChannelSettings> {
    return this.deps.transaction(async () => {
      await this.deps.settings.lock(channel);
      await apply();
      const { settings, folds, gatherer } = this.deps;
      const current = await settings.get(channel);
      const next = reschedule ? nextDigestAt(current, now) : null;
      if (next) {
        await settings.scheduleDigest(channel, next);
        await folds.reschedule(channel, 'digest', next);
      }
      const quietEnd = current.quiet ? quietUntil(current.quiet, current.timezone, now) : null;
      if (quietEnd) await folds.reschedule(channel, 'quiet', quietEnd);
      else await folds.releaseNow(channel, 'quiet', now);
      await gatherer.fold(channel, now);
      return settings.get(channel);
    });
  }
}
