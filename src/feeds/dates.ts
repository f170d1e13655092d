const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0,
  est: -300, edt: -240, mst: -420, mdt: -360, pst: -480, pdt: -420,
  cet: 60, cest: 120, jst: 540, kst: 540, hkt: 480, sgt: 480,
  // Left out on purpose: CST (US Central, or China Standard Time 14 hours away), IST and BST are ambiguous.
};

const RFC822 = /^(?:[a-z]{3,9},?\s+)?(\d{1,2})\s+([a-z]{3})[a-z]*\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{2}:?\d{2}|[a-z]{1,4})(?:\s*\([^)]*\))?$/i;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(Z|[+-]\d{2}:?\d{2}))?$/i;

/**
 * Parses a feed date strictly: RFC 822 (RSS) or ISO 8601/RFC 3339 (Atom, RDF, JSON Feed), with a time zone.
 * A date-time without a zone (as ithome.com.tw's `2026-09-21  05:09:38`) is ambiguous by up to a day and
 * is refused, like anything unparseable: the caller falls back to the time the item was first seen.
 */
export function parseFeedDate(raw: string | null): Date | null {
  if (!raw) return null;
  const text = raw.trim();
  const rfc = RFC822.exec(text);
  if (rfc) {
    const [, day, mon, yearText, hh, mm, ss, zone] = rfc;
    const month = MONTHS[mon!.toLowerCase()];
    const offset = zoneOffsetMinutes(zone!);
    if (month === undefined || offset === null) return null;
    // RFC 2822 §4.3: two-digit years 00–49 are 20xx, 50–99 are 19xx.
    const year = yearText!.length === 2 ? (Number(yearText) < 50 ? 2000 : 1900) + Number(yearText) : Number(yearText);
    return valid(Date.UTC(year, month, Number(day), Number(hh), Number(mm), Number(ss ?? 0)), offset, { day: Number(day), hour: Number(hh), minute: Number(mm), month: month + 1 });
  }
  const iso = ISO.exec(text);
  if (iso) {
    const [, y, mo, d, hh, mm, ss, frac, zone] = iso;
    if (hh !== undefined && zone === undefined) return null;
    const offset = zone ? zoneOffsetMinutes(zone) : 0;
    if (offset === null) return null;
    const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
    const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(hh ?? 0), Number(mm ?? 0), Number(ss ?? 0), ms);
    return valid(local, offset, { day: Number(d), hour: Number(hh ?? 0), minute: Number(mm ?? 0), month: Number(mo) });
  }
  return null;
}

function zoneOffsetMinutes(zone: string): number | null {
  if (/^[+-]\d{2}:?\d{2}$/.test(zone)) {
    const digits = zone.replace(':', '');
    const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5));
    return digits.startsWith('-') ? -minutes : minutes;
  }
  return ZONES[zone.toLowerCase()] ?? null;
}

/** Rejects fields out of range, including days the month does not have (31 February rolls over in Date.UTC). */
function valid(localMs: number, offsetMinutes: number, fields: { day: number; hour: number; minute: number; month: number }): Date | null {
  if (Number.isNaN(localMs) || fields.hour > 23 || fields.minute > 59) return null;
  const check = new Date(localMs);
  if (check.getUTCDate() !== fields.day || check.getUTCMonth() + 1 !== fields.month) return null;
  return new Date(localMs - offsetMinutes * 60_000);
}
