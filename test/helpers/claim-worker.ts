// Run as a separate process by the outbox tests: claims alerts one at a time, and records each as sent
// (which lets the next of its channel be claimed), until none is left; prints the ids it got, so that two
// such processes can be checked for overlap.
import Sqlite from 'better-sqlite3';
import { loadConfig } from '../../src/config.ts';
import { Outbox } from '../../src/db/outbox.ts';
import { SqliteSql } from '../../src/db/sql.ts';

const [path, worker] = process.argv.slice(2) as [string, string];
const outbox = new Outbox(SqliteSql.open(new Sqlite(path, { timeout: 10_000 })));
const config = loadConfig({});
const settings = { claimTimeoutMs: config.DELIVERY_CLAIM_TIMEOUT, summaryWaitMs: 0 };
const ids: number[] = [];
for (;;) {
  const claimed = await outbox.claim(['console'], worker, 1, new Date(), settings);
  if (claimed.length === 0) break;
  for (const row of claimed) {
    ids.push(row.id);
    await outbox.markSent(row.id, worker, `m-${row.id}`);
  }
}
process.stdout.write(JSON.stringify(ids));
