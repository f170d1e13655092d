import { randomUUID } from 'node:crypto';

const PREFIX = 'ainews:more:';
const STORED = 'ainews:page:';
// Discord caps a button's custom_id at 100 characters.
const CUSTOM_ID_MAX = 100;
const REMEMBERED = 500;

/**
 * The "More" button's custom_id carries the command that fetches the next page. One that does not fit
 * Discord's 100 characters is kept here under a short key (the newest 500 of them): after a restart
 * such a button asks to search again.
 */
export class MorePages {
  private readonly stored = new Map<string, string>();

  idFor(next: string): string {
    const inline = `${PREFIX}${next}`;
    if (inline.length <= CUSTOM_ID_MAX) return inline;
    const key = randomUUID();
    this.stored.set(key, next);
    if (this.stored.size > REMEMBERED) this.stored.delete(this.stored.keys().next().value!);
    return `${STORED}${key}`;
  }

  /** The command behind a button's custom_id; null when it is not ours, or has been forgotten. */
  resolve(customId: string): string | null {
    if (customId.startsWith(PREFIX)) return customId.slice(PREFIX.length);
    if (customId.startsWith(STORED)) return this.stored.get(customId.slice(STORED.length)) ?? null;
    return null;
  }

  isMore(customId: string): boolean {
    return customId.startsWith(PREFIX) || customId.startsWith(STORED);
  }
}
