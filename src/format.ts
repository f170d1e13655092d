/** Shared text formatting for people: short UTC times, truncation that never splits a character, XML escaping. */

/** `2025-08-02T08:30:00.000Z` → `2025-08-02 08:30Z`; `-` for no time. */
export function shortTime(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')}Z` : '-';
}

/** At most `max` characters (code points, so CJK and emoji are never cut in half), with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  // No string of `max` UTF-16 units or fewer has more than `max` characters.
  if (text.length <= max) return text;
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** `5m ago`, `3h ago`, `2d ago`, or the date for anything older than a month. */
export function relativeTime(iso: string, now = new Date()): string {
  const minutes = Math.round((now.getTime() - Date.parse(iso)) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes}m ago`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)}h ago`;
  if (minutes < 30 * 24 * 60) return `${Math.round(minutes / 1440)}d ago`;
  return iso.slice(0, 10);
}

/** "3 sources" for a result whose story several sources tell; null for a single report. */
export function sourceCount(count: number): string | null {
  return count > 1 ? `${count} sources` : null;
}
