import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const ESLINT = join(ROOT, 'node_modules/eslint/bin/eslint.js');
const SCRIPTS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
// Spawning the linters costs a second or two each, more on a busy machine; this is no timed assertion.
const SLOW = 90_000;

interface Run {
  code: number;
  output: string;
}

function run(file: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

/** The project's own lint configuration, run on another tree laid out like this one. */
const lintImports = (cwd: string, dirs: string[]) => run(process.execPath, [DEPCRUISE, '--config', join(ROOT, '.dependency-cruiser.mjs'), ...dirs], cwd);
const lintLines = (cwd: string) => run(process.execPath, [ESLINT, '--config', join(ROOT, 'eslint.config.js'), '.'], cwd);

const lines = (n: number) => Array.from({ length: n }, (_, i) => `export const n${i} = ${i};`).join('\n') + '\n';

describe.concurrent('lint', () => {
  let tree: string;

  beforeAll(() => {
    tree = mkdtempSync(join(tmpdir(), 'ainews-lint-'));
    // The SDKs resolve as they do in the real tree.
    symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'), 'dir');
    const files: Record<string, string> = {
      // A cycle through a type-only import is a cycle all the same.
      'src/feeds/parse.ts': "import { parseJson } from './json.ts';\nexport interface Entry { title: string }\nexport const parse = parseJson;\n",
      'src/feeds/json.ts': "import type { Entry } from './parse.ts';\nexport const parseJson = (text: string): Entry => ({ title: text });\n",
      'commands/leak.ts': "import { EmbedBuilder } from 'discord.js';\nexport const embed = new EmbedBuilder();\n",
      'src/delivery/send.ts': "import type { WebClient } from '@slack/web-api';\nexport type Client = WebClient;\n",
      'src/db/store.ts': "import { parse } from '../feeds/parse.ts';\nexport const store = parse;\n",
      'src/platforms/discord/ok.ts': "import { EmbedBuilder } from 'discord.js';\nexport const embed = new EmbedBuilder();\n",
      'src/pipeline/count.ts': "import { Counter } from 'prom-client';\nexport const counter = Counter;\n",
      'src/ops/ok.ts': "import { Counter } from 'prom-client';\nexport const counter = Counter;\n",
      // A quick test that starts a process, through a helper, without being listed as one.
      'test/helpers/spawner.ts': "import { spawn } from 'node:child_process';\nexport const start = () => spawn('true');\n",
      'test/runs-a-process.test.ts': "import { start } from './helpers/spawner.ts';\nstart();\n",
      'src/long.ts': lines(401),
      'src/just-fits.ts': lines(400),
      // A store call nobody waits for.
      'src/forgets-to-await.ts': 'export async function store(): Promise<void> {}\nstore();\n',
      // A test comparing a store's promise instead of what it resolves to: it could never fail.
      'test/compares-a-promise.test.ts':
        "import { expect, it } from 'vitest';\nconst count = async () => 3;\nit('counts', async () => {\n  expect(count()).toBeTruthy();\n  expect(await count()).toBe(3);\n  await expect(count()).resolves.toBe(3);\n});\n",
      // Typed lint reads the program as the real tree's tsconfig.json describes it.
      'tsconfig.json': readFileSync(join(ROOT, 'tsconfig.json'), 'utf8'),
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(tree, path)), { recursive: true });
      writeFileSync(join(tree, path), text);
    }
  });

  afterAll(() => rmSync(tree, { recursive: true, force: true }));

  // One typed lint of the planted tree, read by every test of its rules: each run takes seconds.
  let linted: ReturnType<typeof lintLines> | undefined;
  const lintTree = () => (linted ??= lintLines(tree));

  test('an import cycle, a platform SDK outside its platform, db reaching up, and an unlisted process test each fail, by rule and file', { timeout: SLOW }, async () => {
    const { code, output } = await lintImports(tree, ['src', 'commands', 'test']);
    expect(code).not.toBe(0);
    expect(output).toMatch(/error no-cycles: src\/feeds\/(json|parse)\.ts/);
    expect(output).toMatch(/error commands-platform-free: commands\/leak\.ts → \S*node_modules\/discord\.js\//);
    expect(output).toMatch(/error discord-sdk-only-in-discord: commands\/leak\.ts/);
    expect(output).toMatch(/error slack-sdk-only-in-slack: src\/delivery\/send\.ts → \S*node_modules\/@slack\/web-api\//);
    expect(output).toMatch(/error db-imports-nothing-above-it: src\/db\/store\.ts → src\/feeds\/parse\.ts/);
    expect(output).toMatch(/error process-tests-are-listed: test\/runs-a-process\.test\.ts/);
    expect(output).toMatch(/error prom-client-only-in-ops: src\/pipeline\/count\.ts → \S*node_modules\/prom-client\//);
    // The Discord SDK is at home in the Discord platform, and prom-client in src/ops/.
    expect(output).not.toContain('src/platforms/discord/ok.ts');
    expect(output).not.toContain('src/ops/ok.ts');
  });

  test('a source file over 400 lines fails, by rule and file; one of 400 passes', { timeout: SLOW }, async () => {
    const { code, output } = await lintTree();
    expect(code).not.toBe(0);
    expect(output).toContain(join(tree, 'src/long.ts'));
    expect(output).toMatch(/too many lines \(401\).*max-lines/);
    expect(output).not.toContain('just-fits.ts');
  });

  test('a promise nobody awaits, handles or marks void fails, by rule and file', { timeout: SLOW }, async () => {
    const { code, output } = await lintTree();
    expect(code).not.toBe(0);
    expect(output).toContain(join(tree, 'src/forgets-to-await.ts'));
    expect(output).toMatch(/2:1 +error +Promises must be awaited.*no-floating-promises/);
  });

  test('a test that gives expect() a promise fails, by rule, file and line; awaited or through .resolves, it passes', { timeout: SLOW }, async () => {
    const { code, output } = await lintTree();
    expect(code).not.toBe(0);
    const file = output.slice(output.indexOf(join(tree, 'test/compares-a-promise.test.ts')));
    expect(file).toMatch(/^\S+\n +4:10 +error +expect\(\) is given a promise.*ainews\/expect-awaited/);
    expect(file.split('\n\n')[0]).not.toMatch(/\n +[567]:/);
  });

  test.for(['lint:imports', 'lint:lines'])('the real tree passes npm run %s', { timeout: SLOW }, async (name) => {
    // The script as package.json has it, without npm's own start-up around it.
    const [bin, ...args] = SCRIPTS[name]!.split(/\s+/);
    const result = await run(join(ROOT, 'node_modules/.bin', bin!), args, ROOT);
    expect(result).toEqual({ code: 0, output: expect.not.stringMatching(/error/i) });
  });
});
