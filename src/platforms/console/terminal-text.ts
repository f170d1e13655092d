// Control characters (but tab and newline) and bidirectional overrides: a terminal acts on them, so feed
// text could move the cursor, recolour or clear the screen, or show a link other than the one it opens
// (OSC 8), or reorder what it shows.
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Text as a terminal should be given it: shown as typed, never acted on. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, '');
}
