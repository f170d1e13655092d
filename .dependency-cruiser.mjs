// The import rules `npm run lint` enforces (line counts are eslint.config.js's).
//
// Layers, lowest first; a module imports from its own layer or below, never above:
//   1. leaves:  src/text/, src/match/, and every file at the root of src/ but app.ts (duration.ts,
//               channel-name.ts, canonical-url.ts, format.ts, log.ts, config.ts, …): helpers that
//               import none of ours but each other. A module that needs more belongs in a folder.
//   2. db:      src/db/
//   3. the rest of src/ (feeds, cluster, search, summarize, pipeline, delivery, demo), then commands/,
//      then src/platforms/, src/cli/ and the composition root src/app.ts
// Rules enforce 1 and 2 (the layers everything else stands on) and keep commands/ free of platforms;
// the order within 3 is the intended one, not yet checked.

import { readFileSync } from 'node:fs';

/** The test files that may start processes (vitest.config.ts leaves them out of `npm run test:quick`). */
const STARTS_PROCESSES = JSON.parse(readFileSync(new URL('./test/starts-processes.json', import.meta.url), 'utf8')).map(
  (glob) => `^${glob.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`,
);

const LEAVES = '^src/(text|match)/|^src/(?!app\\.ts$)[^/]+\\.ts$';
const OURS = '^(src|commands|bench|test)/';
// An SDK installed (node_modules/…) or, in a tree without node_modules, named but unresolved.
const SLACK_SDK = '(^|node_modules/)@slack/';
const DISCORD_SDK = '(^|node_modules/)(discord\\.js|@discordjs|discord-api-types)(/|$)';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Modules must not import each other, directly or round a loop: move the shared part where both can import it.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'slack-sdk-only-in-slack',
      comment: 'Only src/platforms/slack/ talks to Slack; tests may, for their fakes.',
      severity: 'error',
      from: { path: '^(src|commands|bench)/', pathNot: '^src/platforms/slack/' },
      to: { path: SLACK_SDK },
    },
    {
      name: 'discord-sdk-only-in-discord',
      comment: 'Only src/platforms/discord/ talks to Discord; tests may, for their fakes.',
      severity: 'error',
      from: { path: '^(src|commands|bench)/', pathNot: '^src/platforms/discord/' },
      to: { path: DISCORD_SDK },
    },
    {
      name: 'prom-client-only-in-ops',
      comment: 'Only src/ops/ knows how metrics are kept; the pipeline reports through the hooks wired in src/app.ts.',
      severity: 'error',
      from: { path: '^(src|commands|bench)/', pathNot: '^src/ops/' },
      to: { path: '(^|node_modules/)prom-client(/|$)' },
    },
    {
      name: 'pg-only-in-db-postgres',
      comment: 'Only src/db/postgres/ talks to PostgreSQL; the rest of ainews sees the storage port. Tests may, to make databases.',
      severity: 'error',
      from: { path: '^(src|commands|bench)/', pathNot: '^src/db/postgres/' },
      to: { path: '(^|node_modules/)pg(/|$)' },
    },
    {
      name: 'commands-platform-free',
      comment: 'commands/ is written once for every platform: no platform code, no platform SDK.',
      severity: 'error',
      from: { path: '^commands/' },
      to: { path: ['^src/platforms/', SLACK_SDK, DISCORD_SDK] },
    },
    {
      name: 'db-imports-nothing-above-it',
      comment: 'src/db/ may import src/db/, the leaf helpers, node built-ins and npm packages: nothing that stands on it.',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: OURS, pathNot: [`^src/db/`, LEAVES] },
    },
    {
      name: 'leaves-import-only-leaves',
      comment: 'The leaf helpers sit below src/db/: they may import each other, node built-ins and npm packages only.',
      severity: 'error',
      from: { path: LEAVES },
      to: { path: OURS, pathNot: LEAVES },
    },
    {
      name: 'no-test-code-in-src',
      comment: 'What ships (src/, commands/) and the benchmarks run without test/.',
      severity: 'error',
      from: { path: '^(src|commands|bench)/' },
      to: { path: '^test/' },
    },
    {
      name: 'process-tests-are-listed',
      comment: 'A test that can start a process (child_process, by itself or through a helper) is listed in test/starts-processes.json, so that npm run test:quick leaves it out.',
      severity: 'error',
      from: { path: '^test/.*\\.test\\.ts$', pathNot: STARTS_PROCESSES },
      to: { path: '^(node:)?child_process$', reachable: true },
    },
  ],
  options: {
    // Type-only imports count: a cycle of types is still two modules that cannot be read apart.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
  },
};
