import { runCli } from '../helpers/cli.ts';
import { passed, runWorkerRounds } from './workers-harness.ts';

/**
 * `npm run soak -- --workers N --db sqlite|postgres`: the multi-worker soak, printed as the crash soak is
 * (a line a script can parse, then what went wrong). Resolves to the exit code.
 */
export async function soakWorkers(options: { workers: number; db: string; seed: number; rounds: number }): Promise<number> {
  const { workers, db, seed, rounds } = options;
  if (db === 'postgres') {
    // Said by the bot itself, so that this stays true until `ainews run` works on PostgreSQL.
    const run = await runCli(['run'], { AINEWS_DB: 'postgres://soak:soak@127.0.0.1:1/soak', LOG_LEVEL: 'silent' }, { timeoutMs: 20_000 });
    const said = run.stderr.trim() || '(nothing)';
    const refused = run.code === 1 && /SQLite only/.test(said);
    console.log(refused ? 'multi-worker soak on PostgreSQL: not run, as ainews run in this build refuses PostgreSQL:' : `multi-worker soak on PostgreSQL: not written yet; ainews run on a postgres:// AINEWS_DB exited ${run.code}:`);
    console.log(`  ${said}`);
    console.log('Run it on SQLite: npm run soak -- --workers N --db sqlite');
    return 2;
  }
  console.log(`multi-worker soak: ${workers} workers on one SQLite database, seed ${seed}, ${rounds} rounds (replay with CRASH_SEED=${seed})`);
  const report = await runWorkerRounds({ seed, workers, rounds, log: (line) => console.log(`  ${line}`) });
  console.log(
    `workers ${report.workers}, rounds ${report.rounds}, kills ${report.kills}, platform faults ${report.faults}, feeds ${report.feeds}, items ${report.items}, ` +
      `alerts expected ${report.expected}, delivered ${report.delivered}, lost ${report.lost}, duplicated ${report.duplicated}, out of order ${report.outOfOrder}, unexpected ${report.unexpected}, ` +
      `console reprints ${report.consoleReprints}, feed fetches ${report.fetch.fetches}, fetched twice in a due period ${report.fetch.twice}, ` +
      `overlapping fetches ${report.fetch.overlapping}, stranded feed claims ${report.strandedClaims}, stranded before their fetch ${report.strandedUnfetched}, gateway sessions ${report.gatewaySessions}, ` +
      `most at once ${report.mostSessionsAtOnce}, SQLITE_BUSY ${report.busy}, errors logged ${report.errors}, integrity ${report.integrity}`,
  );
  for (const c of report.channels) {
    console.log(`  ${c.channel}: expected ${c.expected}, delivered ${c.delivered}, lost ${c.lost}, duplicated ${c.duplicated}, out of order ${c.outOfOrder}, unexpected ${c.unknown}`);
  }
  for (const line of report.logged) console.log(`  logged: ${line}`);
  for (const problem of report.problems) console.log(`  problem: ${problem}`);
  return passed(report) ? 0 : 1;
}
