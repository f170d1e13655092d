// npm run soak: the crash harness for thirty rounds (SOAK_ROUNDS to change it, CRASH_SEED to replay).
import { runCrashRounds } from './crash-harness.ts';
import { seedFrom } from './random.ts';

const seed = seedFrom('CRASH_SEED');
const rounds = Number(process.env.SOAK_ROUNDS ?? 30);
console.log(`crash soak: seed ${seed}, ${rounds} rounds (replay with CRASH_SEED=${seed})`);
const report = await runCrashRounds({ seed, rounds, log: (line) => console.log(`  ${line}`) });
console.log(
  `rounds ${report.rounds}, kills ${report.kills}, platform faults ${report.faults}, items ${report.items}, ` +
    `alerts expected ${report.expected}, delivered ${report.delivered}, lost ${report.lost}, duplicated ${report.duplicated}, integrity ${report.integrity}`,
);
for (const problem of report.problems) console.log(`  problem: ${problem}`);
process.exitCode = report.lost === 0 && report.duplicated === 0 && report.integrity === 'ok' && report.problems.length === 0 ? 0 : 1;
