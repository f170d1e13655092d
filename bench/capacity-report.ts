import { formatDuration } from '../src/duration.ts';
import type { CapacityResult, Stages } from './capacity-run.ts';
import { percentile } from './stats.ts';

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const perSecond = (count: number, ms: number) => (ms > 0 ? (count / ms) * 1000 : 0);
const rate = (count: number, ms: number) => {
  const value = perSecond(count, ms);
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
};
const delay = (ms: number) => (Number.isNaN(ms) ? 'n/a' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

/** The alert delay percentile, in milliseconds (NaN with no alert). */
export function delayPercentile(result: CapacityResult, p: number): number {
  return result.delaysMs.length ? percentile(result.delaysMs, p) : NaN;
}

/** How many times faster than real time the window ran: under 1, the process falls behind. */
export function speedUp(result: CapacityResult): number {
  return (result.size.minutes * 60_000) / result.wallMs;
}

function stageLine(stages: Stages, counts: { polls: number; items: number; alerts: number }): string {
  const total = stages.pollMs + stages.processMs + stages.deliverMs;
  const share = (ms: number) => `${total > 0 ? Math.round((ms / total) * 100) : 0}%`;
  return (
    `poll ${s(stages.pollMs)} (${share(stages.pollMs)}, ${rate(counts.polls, stages.pollMs)} polls/s), ` +
    `process ${s(stages.processMs)} (${share(stages.processMs)}, ${rate(counts.items, stages.processMs)} items/s), ` +
    `deliver ${s(stages.deliverMs)} (${share(stages.deliverMs)}, ${rate(counts.alerts, stages.deliverMs)} alerts/s)`
  );
}

/** Who ran, in words: "one worker on SQLite", "3 workers on PostgreSQL". */
export function whoRan(db: CapacityResult['db'], workers: number): string {
  return `${workers === 1 ? 'one worker' : `${workers} workers`} on ${db === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`;
}

/** The stage that took the longest, by name. */
function slowest(stages: Stages): string {
  const named: [string, number][] = [
    ['polling (fetch, parse, store, and the scheduler picking due feeds)', stages.pollMs],
    ['processing (index, cluster, route)', stages.processMs],
    ['delivery (claim, compose, record)', stages.deliverMs],
  ];
  return named.sort((a, b) => b[1] - a[1])[0]![0];
}

/** The report below the heading: setup, the window's rates, the stages, the delays, the check, the closing note, the line for scripts. */
export function reportLines(result: CapacityResult): string[] {
  const { size, polls, alerts, warmup } = result;
  const speed = speedUp(result);
  const p50 = delayPercentile(result, 50);
  const p95 = delayPercentile(result, 95);
  const max = result.delaysMs.at(-1) ?? NaN;
  const every = formatDuration(size.everyMs);
  const needed = (size.feeds / size.everyMs) * 1000;
  const correct =
    alerts.missing === 0 && alerts.duplicates === 0 && alerts.unexpected === 0 && alerts.delivered === alerts.expected && result.unpolled === 0;
  const lines = [
    `  setup ${s(result.setupMs)}: the workload, a new database, the feeds and the watches through the stores${result.workers > 1 ? `, then the ${result.workers} worker processes started` : ''}`,
    `  warm-up ${s(warmup.ms)}: every feed's first poll (${warmup.polls} polls, ${warmup.backlog} backlog items stored, no alerts): ` +
      stageLine(warmup.stages, { polls: warmup.polls, items: warmup.backlog, alerts: 0 }).replace(/, deliver.*$/, ''),
    `  window: ${size.minutes * 60} simulated seconds in ${s(result.wallMs)} of wall clock, ${speed.toFixed(1)}× real time, ${result.rounds} scheduler rounds; rates per wall-clock second:`,
    `    polls   ${polls.total} (${polls.notModified} answered 304, ${polls.failed} failed)   ${rate(polls.total, result.wallMs)}/s   (real time asks ${needed.toFixed(1)}/s)`,
    `    items   ${result.items} new, ${Math.round(result.matchedShare * 100)}% of them watched somewhere   ${rate(result.items, result.wallMs)}/s end to end (fetched, stored, indexed, clustered, routed)`,
    `    alerts  ${alerts.queued} queued, ${alerts.delivered} sent   ${rate(alerts.delivered, result.wallMs)}/s   (${result.items ? (alerts.queued / result.items).toFixed(1) : 0} per new item)`,
    `  alert delay, wall clock from the start of the round that first saw the item to the send: p50 ${delay(p50)}, p95 ${delay(p95)}, max ${delay(max)}`,
    `    (wall clock: the simulated clock stands still during a round and jumps between rounds, so only the wall clock shows the work an alert waits behind)`,
    ...(result.workers > 1 ? [`  by worker: ${byWorker(result)}`] : []),
    `  where the time went${result.workers > 1 ? ` (added up over the ${result.workers} workers, which ran side by side)` : ''}: ` +
      stageLine(result.stages, { polls: polls.total, items: result.items, alerts: alerts.delivered }),
    correct
      ? `  check: every item published in time was polled, and every expected alert sent exactly once (${alerts.expected}); ${result.mergedStories} stories of more than one item`
      : `  check FAILED: ${result.unpolled} items published in time never polled; ${alerts.expected} alerts expected, ${alerts.delivered} sent: ` +
        `${alerts.missing} missing, ${alerts.duplicates} sent twice, ${alerts.unexpected} unexpected; ${result.mergedStories} stories of more than one item`,
    `  closing note: ${closingNote(result, speed, every)}`,
    `capacity: ${result.db} x${result.workers} polls/s ${rate(polls.total, result.wallMs)} items/s ${rate(result.items, result.wallMs)} alerts/s ${rate(alerts.delivered, result.wallMs)} p95 ${delay(p95)} speed ${speed.toFixed(1)}x`,
  ];
  return lines;
}

/** How the window's polls and sends fell to each worker. */
function byWorker(result: CapacityResult): string {
  const { byWorker: workers } = result;
  const { pollMs, processMs, deliverMs } = result.stages;
  const inStages = (pollMs + processMs + deliverMs) / (result.wallMs * workers.length);
  return (
    `polls ${workers.map((w) => w.polls).join(' / ')}, alerts sent ${workers.map((w) => w.sent).join(' / ')}; ` +
    `one worker made all the polls of ${result.pollingRounds.oneWorker} of the ${result.pollingRounds.total} rounds that polled; ` +
    `${result.siteWaits} times a fetch waited for a site another worker was fetching from; ` +
    `each worker was at work ${Math.round(inStages * 100)}% of the window on average, and waited for the others to end the round the rest`
  );
}

function closingNote(result: CapacityResult, speed: number, every: string): string {
  const { size } = result;
  const who = whoRan(result.db, result.workers);
  const one = result.workers === 1;
  const next =
    result.db === 'sqlite'
      ? 'how far three workers go needs the PostgreSQL runs (--db postgres --workers 3).'
      : one
        ? 'how far several workers go: --workers 3.'
        : `the stage times add up the ${result.workers} workers' own; they share this machine's cores with each other and with the PostgreSQL server.`;
  const sentence = `${next.charAt(0).toUpperCase()}${next.slice(1)}`;
  if (speed < 1) {
    return (
      `${who} ${one ? 'does' : 'do'} not keep up with this load: ${size.minutes} simulated minutes took ${s(result.wallMs)}, so in real time the due feeds and the outbox would pile up; ` +
      `${slowest(result.stages)} takes the most time. ${sentence}`
    );
  }
  return (
    `${who} ${one ? 'keeps' : 'keep'} up with this load ${speed.toFixed(1)} times over; in proportion ${one ? 'it' : 'they'} would stop being enough near ${speed.toFixed(1)}× the load ` +
    `(about ${Math.floor((size.feeds * speed) / 1000) * 1000} feeds every ${every} at this share of new items and these watches); the real limit is lower, as every stage ` +
    `slows while the feeds, items and outbox grow (run bigger with --feeds or --new-share to find it); ${slowest(result.stages)} takes the most time. ${sentence}`
  );
}
