import type { Command } from 'commander';
import type { App } from '../app.ts';
import { MetricsReads } from '../db/metrics-reads.ts';
import { OpsStatus } from '../db/ops-status.ts';
import { relativeTime, shortTime } from '../format.ts';
import { printJson, withApp } from './context.ts';

/** `ainews status --json`: the field names are a contract, like the other listings. */
export async function statusReport(app: App, now = new Date()) {
  const feeds = await app.feeds.list();
  const count = (status: string) => feeds.filter((f) => f.status === status).length;
  const failing = feeds
    .filter((f) => f.status !== 'ok')
    .map((f) => ({ id: f.id, name: f.name, url: f.url, status: f.status, failing_since: f.last_success_at ?? f.created_at, failures: f.consecutive_failures, last_error: f.last_error }))
    .sort((a, b) => a.failing_since.localeCompare(b.failing_since))
    .slice(0, 3);
  const polled = feeds.map((f) => f.last_polled_at).filter((at): at is string => at !== null).sort();
  const next = feeds.filter((f) => f.status !== 'disabled').map((f) => f.next_poll_at).sort();
  const ops = new OpsStatus(app.sql);
  const oldestWaiting = await ops.oldestWaiting();
  const { config } = app;
  const llm = await ops.llmDay(now.toISOString().slice(0, 10));
  return {
    feeds: { ok: count('ok'), failing: count('failing'), disabled: count('disabled'), longest_failing: failing },
    polls: { last_at: polled.at(-1) ?? null, next_at: next[0] ?? null },
    outbox: {
      by_status: Object.fromEntries(await new MetricsReads(app.sql).outboxByStatus()),
      oldest_waiting_at: oldestWaiting,
      oldest_waiting_seconds: oldestWaiting ? Math.round((now.getTime() - Date.parse(oldestWaiting)) / 1000) : null,
    },
    platforms: ['console', ...(config.SLACK_BOT_TOKEN ? ['slack'] : []), ...(config.DISCORD_TOKEN ? ['discord'] : [])],
    database: { path: app.storage.where, bytes: await ops.bytes(), items: await app.items.count() },
    llm: { configured: Boolean(config.LLM_BASE_URL), calls_today: llm.calls, tokens_today: llm.tokens, daily_calls: config.LLM_DAILY_CALLS, daily_tokens: config.LLM_DAILY_TOKENS },
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .option('--json', 'print JSON')
    .description('one screen: feeds, polls, the outbox, platforms, the database and the LLM budget')
    .action(async (opts: { json?: boolean }) => {
      await withApp(async (app) => {
        const now = new Date();
        const s = await statusReport(app, now);
        if (opts.json) return printJson(s);
        const when = (at: string | null) => (at ? `${shortTime(at)} (${relativeTime(at, now)})` : 'never');
        const waiting = Object.entries(s.outbox.by_status).filter(([status]) => status !== 'sent' && status !== 'skipped');
        console.log(
          [
            `feeds     ${s.feeds.ok} ok, ${s.feeds.failing} failing, ${s.feeds.disabled} disabled`,
            ...s.feeds.longest_failing.map((f) => `          #${f.id} ${f.name ?? f.url}: ${f.status} since ${when(f.failing_since)}, ${f.failures} failures: ${f.last_error ?? 'no error recorded'}`),
            `polls     last ${when(s.polls.last_at)}, next ${when(s.polls.next_at)}`,
            `outbox    ${waiting.length ? waiting.map(([status, n]) => `${n} ${status}`).join(', ') : 'nothing waiting'}${s.outbox.by_status.sent ? `; ${s.outbox.by_status.sent} sent` : ''}`,
            `          oldest alert waiting: ${s.outbox.oldest_waiting_at ? `queued ${when(s.outbox.oldest_waiting_at)}` : 'none'}`,
            `platforms ${s.platforms.join(', ')}`,
            `database  ${s.database.path}: ${megabytes(s.database.bytes)}, ${s.database.items} items`,
            `llm       ${s.llm.configured ? `${s.llm.calls_today} of ${s.llm.daily_calls} calls and ${s.llm.tokens_today} of ${s.llm.daily_tokens} tokens used today (UTC)` : 'not configured: built-in summaries, no translations'}`,
          ].join('\n'),
        );
      });
    });
}
