// Run as a separate process by the outbox tests: claims alerts one at a time until none is left, and
// prints the ids it got, so that two such processes can be checked for overlap.
import Sqlite from 'better-sqlite3';
import { Outbox } from '../../src/db/outbox.ts';

const [path, worker] = process.argv.slice(2) as [string, string];
const outbox = new Outbox(new Sqlite(path, { timeout: 10_000 }));
const ids: number[] = [];
for (;;) {
  const claimed = outbox.claim(['console'], worker, 1);
  if (claimed.length === 0) break;
  ids.push(...claimed.map((row) => row.id));
}
process.stdout.write(JSON.stringify(ids));
