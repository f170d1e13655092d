import { redactedUrl } from '../../src/db-location.ts';
import { passed, runWorkerRounds, type SoakBackend } from './workers-harness.ts';

/**
 * `npm run soak -- --workers N --db sqlite|postgres`: the multi-worker soak, printed as the crash soak is
 * (a line a script can parse, then what went wrong). On PostgreSQL it runs in a new database on the
 * server of AINEWS_TEST_POSTGRES_URL, dropped after. Resolves to the exit code.
 */
export async function soakWorkers(options: { workers: number; db: string; seed: number; rounds: number }): Promise<number> {
  const { workers, db, seed, rounds } = options;
  const server = process.env.AINEWS_TEST_POSTGRES_URL || undefined;
  if (db === 'postgres' && !server) {
    console.error('multi-worker soak on PostgreSQL: not run, AINEWS_TEST_POSTGRES_URL is unset (a server where it may create and drop a database; npm run pg:start prints one)');
    return 2;
  }
  const backend: SoakBackend = db === 'postgres' ? { kind: 'postgres', server: server! } : { kind: 'sqlite' };
  const where = backend.kind === 'postgres' ? `a new PostgreSQL database on ${redactedUrl(backend.server)}` : 'one SQLite database';
  console.log(`multi-worker soak: ${workers} workers on ${where}, seed ${seed}, ${rounds} rounds (replay with CRASH_SEED=${seed})`);
  const report = await runWorkerRounds({ seed, workers, rounds, backend, log: (line) => console.log(`  ${line}`) });
  // Fields are only ever added, at the end: operators' scripts parse this line.
  console.log(
    `workers ${report.workers}, rounds ${report.rounds}, kills ${report.kills}, platform faults ${report.faults}, feeds ${report.feeds}, items ${report.items}, ` +
      `alerts expected ${report.expected}, delivered ${report.delivered}, lost ${report.lost}, duplicated ${report.duplicated}, out of order ${report.outOfOrder}, unexpected ${report.unexpected}, ` +
      `console reprints ${report.consoleReprints}, feed fetches ${report.fetch.fetches}, fetched twice in a due period ${report.fetch.twice}, ` +
      `overlapping fetches ${report.fetch.overlapping}, stranded feed claims ${report.strandedClaims}, stranded before their fetch ${report.strandedUnfetched}, gateway sessions ${report.gatewaySessions}, ` +
      `most at once ${report.mostSessionsAtOnce}, SQLITE_BUSY ${report.busy}, errors logged ${report.errors}, integrity ${report.integrity}, ` +
      `transactions given up ${report.givenUp}, database ${report.database}`,
  );
  for (const c of report.channels) {
    console.log(`  ${c.channel}: expected ${c.expected}, delivered ${c.delivered}, lost ${c.lost}, duplicated ${c.duplicated}, out of order ${c.outOfOrder}, unexpected ${c.unknown}`);
  }
  for (const line of report.logged) console.log(`  logged: ${line}`);
  for (const problem of report.problems) console.log(`  problem: ${problem}`);
  return passed(report) ? 0 : 1;
}
