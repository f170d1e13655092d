import type { FeedClass, SimFeed } from './freshness-feeds.ts';
import type { Delay, ModeResult } from './freshness-run.ts';
import { percentile } from './stats.ts';

const CLASSES: FeedClass[] = ['busy-cn', 'busy-us', 'arxiv', 'medium', 'lab', 'silent'];

/** Percentiles of the delays, in seconds (NaN for none). */
function stats(delays: Delay[]): { p50: number; p95: number; p99: number; n: number } {
  const sorted = delays.map((d) => d.seconds).sort((a, b) => a - b);
  if (sorted.length === 0) return { p50: NaN, p95: NaN, p99: NaN, n: 0 };
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), n: sorted.length };
}

const s = (seconds: number) => (Number.isNaN(seconds) ? 'n/a' : `${seconds.toFixed(1)}s`);
const pad = (text: string | number, width: number) => String(text).padStart(width);

/** The per-class lines: items, delays and requests of each class of feed, fixed against adaptive. */
export function classLines(feeds: SimFeed[], fixed: ModeResult, adaptive: ModeResult): string[] {
  const lines = [
    `  ${'class'.padEnd(8)} ${pad('feeds', 5)} ${pad('items', 5)} | ${pad('fixed p50', 10)} ${pad('p95', 8)} ${pad('p99', 8)} ${pad('requests', 8)} | ${pad('adaptive p50', 12)} ${pad('p95', 8)} ${pad('p99', 8)} ${pad('requests', 8)}`,
  ];
  for (const cls of [...CLASSES, 'pushed' as const]) {
    const ofClass = (f: SimFeed) => (cls === 'pushed' ? f.pushed : f.cls === cls);
    const members = feeds.filter(ofClass);
    const row = (result: ModeResult) => {
      const st = stats(result.delays.filter((d) => ofClass(d.feed)));
      const requests = members.reduce((sum, f) => sum + result.requests.byFeed[f.index]!, 0);
      return { st, requests };
    };
    const f = row(fixed);
    const a = row(adaptive);
    lines.push(
      `  ${cls.padEnd(8)} ${pad(members.length, 5)} ${pad(f.st.n, 5)} | ${pad(s(f.st.p50), 10)} ${pad(s(f.st.p95), 8)} ${pad(s(f.st.p99), 8)} ${pad(f.requests, 8)} | ${pad(s(a.st.p50), 12)} ${pad(s(a.st.p95), 8)} ${pad(s(a.st.p99), 8)} ${pad(a.requests, 8)}`,
    );
  }
  return lines;
}

/** Where the adaptive run's slowest items came from: the classes of its slowest 5 %. */
export function tailLine(adaptive: ModeResult): string {
  const sorted = [...adaptive.delays].sort((a, b) => b.seconds - a.seconds);
  const tail = sorted.slice(0, Math.max(1, Math.ceil(sorted.length * 0.05)));
  const counts = new Map<string, number>();
  for (const d of tail) counts.set(d.feed.cls, (counts.get(d.feed.cls) ?? 0) + 1);
  const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([cls, n]) => `${cls} ${n}`);
  return `adaptive's slowest 5% (${tail.length} items, ≥ ${s(tail.at(-1)?.seconds ?? NaN)}): ${parts.join(', ')}`;
}

export function modeLine(result: ModeResult): string {
  const missed = result.missed.length ? `; ${result.missed.length} items of the day never alerted` : '';
  return (
    `${result.mode.padEnd(8)}: ${result.requests.total} requests during the day (${result.requests.notModified} answered 304), ` +
    `${result.rounds} scheduler rounds, ${result.delays.length} items alerted${missed}, ${(result.wallMs / 1000).toFixed(1)} s`
  );
}

/** The pushed feeds' p95 in the adaptive run, in seconds to the millisecond (a push takes milliseconds); n/a when none was pushed. */
function pushedP95(adaptive: ModeResult): string {
  if (!adaptive.delays.some((d) => d.pushed)) return 'n/a';
  return `${stats(adaptive.delays.filter((d) => d.feed.pushed)).p95.toFixed(3)}s`;
}

/** The line a script reads: the adaptive run, the fixed one, and the pushed feeds' p95. */
export function finalLine(fixed: ModeResult, adaptive: ModeResult): string {
  const a = stats(adaptive.delays);
  const f = stats(fixed.delays);
  const pushed = pushedP95(adaptive);
  return (
    `freshness: p50 ${s(a.p50)} p95 ${s(a.p95)} p99 ${s(a.p99)} requests ${adaptive.requests.total} | ` +
    `fixed: p50 ${s(f.p50)} p95 ${s(f.p95)} p99 ${s(f.p99)} requests ${fixed.requests.total} | pushed: p95 ${pushed}`
  );
}

/** Each target, met or not, with the figures. */
export function targetLines(fixed: ModeResult, adaptive: ModeResult): string[] {
  const a = stats(adaptive.delays);
  const f = stats(fixed.delays);
  const check = (ok: boolean) => (ok ? 'met' : 'MISSED');
  return [
    `  p50 ≤ fixed/3:        ${s(a.p50)} vs ${s(f.p50 / 3)} — ${check(a.p50 <= f.p50 / 3)}`,
    `  p95 ≤ fixed/2:        ${s(a.p95)} vs ${s(f.p95 / 2)} — ${check(a.p95 <= f.p95 / 2)}`,
    `  requests ≤ fixed:     ${adaptive.requests.total} vs ${fixed.requests.total} — ${check(adaptive.requests.total <= fixed.requests.total)}`,
    `  pushed p95 < 5s:      ${pushedP95(adaptive)} — ${check(adaptive.delays.some((d) => d.pushed) && stats(adaptive.delays.filter((d) => d.feed.pushed)).p95 < 5)}`,
  ];
}
