import iconv from 'iconv-lite';

/** U+0080–U+009F as windows-1252 reads the bytes 0x80–0x9F; the five it leaves undefined stay as they are. */
const MEANT = [...iconv.decode(Buffer.from(Array.from({ length: 32 }, (_, i) => 0x80 + i)), 'windows-1252')].map((char, i) =>
  char === '\uFFFD' ? String.fromCharCode(0x80 + i) : char,
);
const C1 = /[\u0080-\u009F]/g;

/**
 * C1 control characters read as the windows-1252 characters they almost always stand for: UTF-8 text
 * carries them when "smart quotes" pasted from Word, or windows-1252 read as ISO-8859-1, were converted
 * byte for byte, and HTML reads `&#146;` the same way. U+0092 becomes ’ instead of being deleted; the five
 * that windows-1252 leaves undefined (U+0081, U+008D, U+008F, U+0090, U+009D) stay control characters,
 * for the caller to drop with the rest.
 */
export function c1AsWindows1252(text: string): string {
  return text.replace(C1, (char) => MEANT[char.charCodeAt(0) - 0x80]!);
}
