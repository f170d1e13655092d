import { DateTime, IANAZone } from 'luxon';
import { UserError } from '../user-error.ts';

/** A setting of a channel's rhythm that cannot be read: answered with the command's usage. */
export class RhythmSettingError extends UserError {
  override name = 'RhythmSettingError';
}

const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** The zone's canonical IANA name (`asia/shanghai` → `Asia/Shanghai`); a name that is none is refused. */
export function checkZone(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || !IANAZone.isValidZone(trimmed)) throw new RhythmSettingError(`${trimmed || 'an empty name'} is not a time zone; give an IANA name such as Asia/Shanghai, Europe/Berlin or UTC`);
  return new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
}

/** `9:00` or `09:00` as `09:00`; anything else (`25:00`, `9h`) is refused. */
export function parseClock(text: string): string {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  if (!match) throw new RhythmSettingError(`"${text}" is not a time of day; write it as HH:MM on a 24-hour clock, e.g. 09:00 or 22:30`);
  return `${match[1]!.padStart(2, '0')}:${match[2]}`;
}

/** `mon`…`sun` (or the whole name) as 1…7. */
export function parseWeekday(text: string): number {
  const typed = text.trim().toLowerCase();
  const day = WEEKDAY_NAMES.findIndex((name) => name.toLowerCase() === typed || name.slice(0, 3).toLowerCase() === typed);
  if (day < 0) throw new RhythmSettingError(`"${text}" is not a day of the week; write mon, tue, wed, thu, fri, sat or sun`);
  return day + 1;
}

export function weekdayName(day: number): string {
  return WEEKDAY_NAMES[day - 1] ?? `day ${day}`;
}

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return hours! * 60 + minutes!;
}

/**
 * The first instant after `after` at local time `clock` in `zone`, on weekday `day` (1 = Monday) when
 * given. A local time that a DST change skips is taken as the moment after the gap.
 */
export function nextLocalTime(clock: string, zone: string, after: Date, day: number | null = null): Date {
  const local = DateTime.fromJSDate(after, { zone });
  const minutes = minutesOf(clock);
  for (let offset = 0; offset <= 8; offset++) {
    const date = local.startOf('day').plus({ days: offset });
    if (day !== null && date.weekday !== day) continue;
    const at = DateTime.fromObject({ year: date.year, month: date.month, day: date.day, hour: Math.floor(minutes / 60), minute: minutes % 60 }, { zone });
    if (at.toMillis() > after.getTime()) return at.toJSDate();
  }
  throw new Error(`no ${clock} in ${zone} within 8 days of ${after.toISOString()}`);
}

/**
 * When the quiet hours that `at` falls in end, or null when `at` is outside them. `from` after `to`
 * spans midnight (22:00–08:00); equal times mean no quiet hours.
 */
export function quietUntil(quiet: { from: string; to: string }, zone: string, at: Date): Date | null {
  const from = minutesOf(quiet.from);
  const to = minutesOf(quiet.to);
  if (from === to) return null;
  const local = DateTime.fromJSDate(at, { zone });
  const now = local.hour * 60 + local.minute;
  const inside = from < to ? now >= from && now < to : now >= from || now < to;
  return inside ? nextLocalTime(quiet.to, zone, at) : null;
}

/** `08:00 Asia/Shanghai`, with the day when it is not the same local day as `now`: `Mon 08:00 Asia/Shanghai`. */
export function localClock(at: Date, zone: string, now = new Date()): string {
  const local = DateTime.fromJSDate(at, { zone });
  const sameDay = local.hasSame(DateTime.fromJSDate(now, { zone }), 'day');
  return `${sameDay ? '' : `${weekdayName(local.weekday).slice(0, 3)} ${local.toFormat('d LLL')} `}${local.toFormat('HH:mm')} ${zone}`;
}

/** `Monday 09:00` in `zone`. */
export function localDayClock(at: Date, zone: string): string {
  const local = DateTime.fromJSDate(at, { zone });
  return `${weekdayName(local.weekday)} ${local.toFormat('HH:mm')}`;
}

/** The local calendar day (`YYYY-MM-DD`) of an instant in `zone`. */
export function localDay(at: Date | string, zone: string): string {
  const date = typeof at === 'string' ? DateTime.fromISO(at, { zone: 'utc' }) : DateTime.fromJSDate(at);
  return date.setZone(zone).toFormat('yyyy-LL-dd');
}

/** The last `days` local days up to and including `now`'s, oldest first, and when the first began. */
export function lastDays(days: number, zone: string, now: Date): { days: string[]; since: Date } {
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  const first = today.minus({ days: days - 1 });
  return { days: Array.from({ length: days }, (_, i) => first.plus({ days: i }).toFormat('yyyy-LL-dd')), since: first.toJSDate() };
}
