import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/db/open.ts';
import { Outbox } from '../src/db/outbox.ts';
import { SqliteSql } from '../src/db/sql.ts';
import { defaults } from './settings.ts';
import { percentile } from './stats.ts';

const SENT = 100_000;
const CHANNELS = 10;
const RUNS = 21;

/**
 * The delivery worker claims the next alert of a channel before every send, and checks that no earlier
 * alert of the channel still waits. This times that claim in a year-old outbox: 100,000 alerts already
 * sent in one channel, and one waiting in each of ten channels. Then again as with an LLM configured and
 * every channel in a language its alert's item is not in, the alerts just queued and their translations
 * made: the claim then reads each waiting alert's channel, item and translation.
 */
/** Each channel asks for Chinese, each waiting alert is about an English item just queued, and its translation is made. */
function translatedChannels(db: ReturnType<typeof openDatabase>['db']): void {
  const now = new Date().toISOString();
  db.transaction(() => {
    for (let c = 0; c < CHANNELS; c++) {
      const itemId = SENT + 1 + c;
      db.prepare("INSERT INTO channels (id, platform, created_at, language) VALUES (?, 'slack', ?, 'zh')").run(`slack:T/C${c}`, now);
      db.prepare(
        `INSERT INTO items (id, dedupe_key, title, summary, lang, published_at, published_at_source, first_seen_at, updated_at)
         VALUES (?, ?, 'A title', 'A summary.', 'en', ?, 'feed', ?, ?)`,
      ).run(itemId, `bench/${itemId}`, now, now, now);
      db.prepare(
        `INSERT INTO item_translations (item_id, language, status, title, summary, source_title, source_summary, updated_at)
         VALUES (?, 'zh', 'done', '标题', '摘要。', 'A title', 'A summary.', ?)`,
      ).run(itemId, now);
    }
    db.prepare("UPDATE outbox SET created_at = ? WHERE status = 'pending'").run(now);
  })();
}

export async function outboxBenchmark(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ainews-bench-outbox-'));
  const { db } = openDatabase(join(dir, 'outbox.db'), defaults.AINEWS_DB_BUSY_TIMEOUT);
  try {
    const at = new Date(Date.now() - 86_400_000).toISOString();
    // Alerts only: no items, channels or watches behind them, so the foreign keys are left unchecked.
    db.pragma('foreign_keys = OFF');
    const insert = db.prepare(
      `INSERT INTO outbox (kind, item_id, story_id, channel, platform, watch_query, status, next_attempt_at, created_at)
       VALUES ('alert', ?, ?, ?, 'slack', '*', ?, ?, ?)`,
    );
    db.transaction(() => {
      for (let i = 1; i <= SENT; i++) insert.run(i, i, 'slack:T/C0', 'sent', at, at);
      for (let c = 0; c < CHANNELS; c++) insert.run(SENT + 1 + c, SENT + 1 + c, `slack:T/C${c}`, 'pending', at, at);
    })();
    const outbox = new Outbox(SqliteSql.open(db));
    const time = async (waitMs: number) => {
      const timings: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const start = process.hrtime.bigint();
        const options = { claimTimeoutMs: defaults.DELIVERY_CLAIM_TIMEOUT, summaryWaitMs: waitMs, translationWaitMs: waitMs };
        const claimed = await outbox.claim(['slack'], 'bench', CHANNELS, new Date(), options);
        timings.push(Number(process.hrtime.bigint() - start) / 1e6);
        if (claimed.length !== CHANNELS) throw new Error(`claimed ${claimed.length} alerts, expected ${CHANNELS}`);
        db.prepare("UPDATE outbox SET status = 'pending', claimed_by = NULL, claimed_at = NULL WHERE status = 'sending'").run();
      }
      return timings.sort((a, b) => a - b);
    };
    const report = (timings: number[]) => `claim p50 ${percentile(timings, 50).toFixed(2)} ms, p95 ${percentile(timings, 95).toFixed(2)} ms`;
    console.log(`outbox: claim the next alert of ${CHANNELS} channels, one of them with ${SENT.toLocaleString('en')} alerts already sent, median of ${RUNS}`);
    console.log(`  ${report(await time(0))}`);
    translatedChannels(db);
    console.log(`  with an LLM, every channel in another language than its alert (translations made): ${report(await time(defaults.LLM_ALERT_WAIT))}`);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
