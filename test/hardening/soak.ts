// npm run soak: the crash harness for thirty rounds (SOAK_ROUNDS to change it, CRASH_SEED to replay).
// npm run soak -- --workers N [--db sqlite|postgres]: the multi-worker soak, N `ainews run` on one database.
import { parseArgs } from 'node:util';
import { runCrashRounds } from './crash-harness.ts';
import { seedFrom } from './random.ts';
import { soakWorkers } from './workers-soak.ts';

const { values: flags } = parseArgs({ options: { workers: { type: 'string' }, db: { type: 'string' } } });
const seed = seedFrom('CRASH_SEED');
const rounds = Number(process.env.SOAK_ROUNDS ?? 30);
if (flags.workers !== undefined || flags.db !== undefined) {
  const workers = Number(flags.workers ?? 3);
  const db = flags.db ?? 'sqlite';
  if (!Number.isInteger(workers) || workers < 1 || workers > 10 || !['sqlite', 'postgres'].includes(db)) {
    console.error(`usage: npm run soak -- --workers <1-10> --db <sqlite|postgres> (got --workers ${flags.workers ?? ''} --db ${db})`);
    process.exitCode = 2;
  } else {
    process.exitCode = await soakWorkers({ workers, db, seed, rounds });
  }
} else {
  console.log(`crash soak: seed ${seed}, ${rounds} rounds (replay with CRASH_SEED=${seed})`);
  const report = await runCrashRounds({ seed, rounds, log: (line) => console.log(`  ${line}`) });
  console.log(
    `rounds ${report.rounds}, kills ${report.kills}, platform faults ${report.faults}, items ${report.items}, ` +
      `alerts expected ${report.expected}, delivered ${report.delivered}, lost ${report.lost}, duplicated ${report.duplicated}, integrity ${report.integrity}`,
  );
  for (const problem of report.problems) console.log(`  problem: ${problem}`);
  process.exitCode = report.lost === 0 && report.duplicated === 0 && report.integrity === 'ok' && report.problems.length === 0 ? 0 : 1;
}
