import { channelPlatform } from '../channel-name.ts';
import { holdTransactionLock, type Sql } from './sql.ts';

/** A channel's digest: daily or weekly (day 1 = Monday … 7 = Sunday), at a local time, maybe instead of live alerts. */
export interface DigestSetting {
  every: 'daily' | 'weekly';
  day: number | null;
  /** `HH:MM`, in the channel's time zone. */
  time: string;
  /** The digest replaces live alerts in the channel. */
  only: boolean;
}

/** Quiet hours, `HH:MM` to `HH:MM` in the channel's time zone; `from` after `to` spans midnight. */
export interface QuietSetting {
  from: string;
  to: string;
}

/** How a channel wants its alerts: its time zone, digest, quiet hours and limit per rolling hour. */
export interface ChannelSettings {
  channel: string;
  timezone: string;
  digest: DigestSetting | null;
  quiet: QuietSetting | null;
  limitPerHour: number | null;
  /** Stories need at least this many outlets to alert here, unless a watch says otherwise (null: 1). */
  minSources: number | null;
  /** Alerts are shown in this language (translated when they are in another); null: as they come. */
  language: 'en' | 'zh' | null;
  /** When the next digest is due, and when the last one was queued (ISO instants). */
  nextDigestAt: string | null;
  lastDigestAt: string | null;
}

interface SettingsRow {
  id: string;
  timezone: string | null;
  digest_every: 'daily' | 'weekly' | null;
  digest_day: number | null;
  digest_time: string | null;
  digest_only: 0 | 1;
  next_digest_at: string | null;
  last_digest_at: string | null;
  quiet_from: string | null;
  quiet_to: string | null;
  limit_per_hour: number | null;
  min_sources: number | null;
  language: 'en' | 'zh' | null;
}

const COLUMNS =
  'id, timezone, digest_every, digest_day, digest_time, digest_only, next_digest_at, last_digest_at, quiet_from, quiet_to, limit_per_hour, min_sources, language';

/**
 * Each channel's rhythm settings, kept on its row of `channels`. A channel with no row has the defaults:
 * the default time zone, no digest, no quiet hours, no limit. Setting anything creates the row. The same
 * SQL on both backends: the boolean columns are set from 1 or 0 parameters (PostgreSQL reads them as
 * booleans) and compared with true/false, and are read back as 1 or 0 on both.
 */
export class ChannelSettingsStore {
  constructor(
    private readonly sql: Sql,
    /** The zone of a channel that set none (AINEWS_TIMEZONE). */
    private readonly defaultZone: string,
  ) {}

  /**
   * Inside a transaction, waits for any other worker's transaction on the channel's held rows, digest or
   * settings to end, then holds the channel until this one ends: a fold and a digest gathering the same
   * held rows, or a settings change moving them, take turns. (SQLite's write lock serialises them already.)
   */
  async lock(channel: string): Promise<void> {
    await holdTransactionLock(this.sql, `channel ${channel}`);
  }

  async get(channel: string): Promise<ChannelSettings> {
    const row = await this.sql.get<SettingsRow>(`SELECT ${COLUMNS} FROM channels WHERE id = ?`, [channel]);
    return row
      ? this.settings(row)
      : { channel, timezone: this.defaultZone, digest: null, quiet: null, limitPerHour: null, minSources: null, language: null, nextDigestAt: null, lastDigestAt: null };
  }

  /** Whether the channel chose a zone of its own (rather than the default). */
  async ownZone(channel: string): Promise<string | null> {
    return (await this.sql.get<{ timezone: string | null }>('SELECT timezone FROM channels WHERE id = ?', [channel]))?.timezone ?? null;
  }

  async setTimezone(channel: string, zone: string | null, now = new Date()): Promise<void> {
    await this.ensure(channel, now);
    await this.sql.run('UPDATE channels SET timezone = ? WHERE id = ?', [zone, channel]);
  }

  /** Sets or clears the digest; `nextAt` is when the first one is due. */
  async setDigest(channel: string, digest: DigestSetting | null, nextAt: Date | null, now = new Date()): Promise<void> {
    await this.ensure(channel, now);
    await this.sql.run('UPDATE channels SET digest_every = ?, digest_day = ?, digest_time = ?, digest_only = ?, next_digest_at = ? WHERE id = ?', [
      digest?.every ?? null,
      digest?.day ?? null,
      digest?.time ?? null,
      digest?.only ? 1 : 0,
      nextAt?.toISOString() ?? null,
      channel,
    ]);
  }

  /** Moves a digest's next time on (the zone changed, or a digest was queued at `queuedAt`). */
  async scheduleDigest(channel: string, nextAt: Date, queuedAt?: Date): Promise<void> {
    await this.sql.run('UPDATE channels SET next_digest_at = ?, last_digest_at = coalesce(?, last_digest_at) WHERE id = ?', [
      nextAt.toISOString(),
      queuedAt?.toISOString() ?? null,
      channel,
    ]);
  }

  async setQuiet(channel: string, quiet: QuietSetting | null, now = new Date()): Promise<void> {
    await this.ensure(channel, now);
    await this.sql.run('UPDATE channels SET quiet_from = ?, quiet_to = ? WHERE id = ?', [quiet?.from ?? null, quiet?.to ?? null, channel]);
  }

  async setLimit(channel: string, perHour: number | null, now = new Date()): Promise<void> {
    await this.ensure(channel, now);
    await this.sql.run('UPDATE channels SET limit_per_hour = ? WHERE id = ?', [perHour, channel]);
  }

  async setMinSources(channel: string, min: number | null, now = new Date()): Promise<void> {
    await this.ensure(channel, now);
    await this.sql.run('UPDATE channels SET min_sources = ? WHERE id = ?', [min, channel]);
  }

  async setLanguage(channel: string, language: 'en' | 'zh' | null, now = new Date()): Promise<void> {
    await this.ensure(channel, now);
    await this.sql.run('UPDATE channels SET language = ? WHERE id = ?', [language, channel]);
  }

  /** The channels whose digest is due by `now`, the longest due first. */
  async dueDigests(now: Date): Promise<ChannelSettings[]> {
    const rows = await this.sql.all<SettingsRow>(
      `SELECT ${COLUMNS} FROM channels WHERE digest_every IS NOT NULL AND next_digest_at <= ? AND active = true ORDER BY next_digest_at, id`,
      [now.toISOString()],
    );
    return rows.map((row) => this.settings(row));
  }

  private async ensure(channel: string, now: Date): Promise<void> {
    await this.sql.run('INSERT INTO channels (id, platform, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [channel, channelPlatform(channel), now.toISOString()]);
  }

  private settings(row: SettingsRow): ChannelSettings {
    return {
      channel: row.id,
      timezone: row.timezone ?? this.defaultZone,
      digest: row.digest_every && row.digest_time ? { every: row.digest_every, day: row.digest_day, time: row.digest_time, only: row.digest_only === 1 } : null,
      quiet: row.quiet_from && row.quiet_to ? { from: row.quiet_from, to: row.quiet_to } : null,
      limitPerHour: row.limit_per_hour,
      minSources: row.min_sources,
      language: row.language,
      nextDigestAt: row.next_digest_at,
      lastDigestAt: row.last_digest_at,
    };
  }
}
