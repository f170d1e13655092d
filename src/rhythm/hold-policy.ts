import type { ChannelSettingsStore } from '../db/channel-settings.ts';
import type { Hold } from '../db/outbox.ts';
import type { OutboxFolds } from '../db/outbox-folds.ts';
import { quietUntil } from './local-time.ts';

const HOUR_MS = 3_600_000;

/**
 * Whether a row coming due for a channel goes out now or is held, and until when, by the channel's
 * settings: a digest that replaces live alerts holds every alert for it; quiet hours hold alerts and
 * updates until they end; past the limit of alerts in a rolling hour, alerts wait until the hour lets
 * the next message out. Nothing is dropped: what is held goes out later, gathered in one message.
 */
export class HoldPolicy {
  constructor(
    private readonly deps: {
      settings: Pick<ChannelSettingsStore, 'get'>;
      folds: Pick<OutboxFolds, 'messagesSince' | 'limitHeldUntil'>;
    },
  ) {}

  /** The hold for a row of `kind` for `channel` coming due at `at`, or null to send it as due. */
  async holdFor(channel: string, kind: 'alert' | 'update', at: Date): Promise<Hold | null> {
    const settings = await this.deps.settings.get(channel);
    if (kind === 'alert' && settings.digest?.only && settings.nextDigestAt) return { for: 'digest', until: new Date(settings.nextDigestAt) };
    const quietEnd = settings.quiet ? quietUntil(settings.quiet, settings.timezone, at) : null;
    if (quietEnd) return { for: 'quiet', until: quietEnd };
    if (kind === 'alert' && settings.limitPerHour) {
      // Once alerts are held for the limit, later ones join them rather than overtake them.
      const waiting = await this.deps.folds.limitHeldUntil(channel);
      if (waiting) return { for: 'limit', until: new Date(waiting) };
      const { count, oldest } = await this.deps.folds.messagesSince(channel, new Date(at.getTime() - HOUR_MS));
      if (count >= settings.limitPerHour && oldest) return { for: 'limit', until: new Date(Date.parse(oldest) + HOUR_MS) };
    }
    return null;
  }
}
