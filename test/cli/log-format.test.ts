import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const BIN = fileURLToPath(new URL('../../bin/ainews.js', import.meta.url));

let dir: string;
let env: Record<string, string>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ainews-logfmt-'));
  // A new database: its migrations are logged at info.
  env = { AINEWS_DB: join(dir, 'ainews.db'), AINEWS_SEED_DEFAULT_FEEDS: 'false', LOG_LEVEL: 'info', NO_COLOR: '1' };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `ainews` with stdout and stderr on a terminal, through util-linux `script`; returns what the terminal showed. */
function onTerminal(args: string[], extra: Record<string, string> = {}): Promise<string> {
  const command = [process.execPath, BIN, ...args].map((word) => `'${word}'`).join(' ');
  return new Promise((resolve, reject) =>
    execFile('script', ['-qec', command, '/dev/null'], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, ...extra } }, (error, stdout) =>
      error ? reject(error) : resolve(stdout.replace(/\r\n/g, '\n')),
    ),
  );
}

it('logs readable lines to a terminal', async () => {
  const shown = await onTerminal(['feeds', 'list']);
  expect(shown).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(init\): migration applied\n {4}version: 1\n/m);
  expect(shown).not.toContain('{"level"');
});

it('logs JSON lines to a terminal when LOG_FORMAT=json, and to a pipe by default', async () => {
  expect(await onTerminal(['feeds', 'list'], { LOG_FORMAT: 'json' })).toMatch(/^\{"level":30,.*"msg":"migration applied"\}$/m);
  rmSync(env.AINEWS_DB!);
  const piped = await runCli(['feeds', 'list'], env);
  const first = JSON.parse(piped.stderr.split('\n')[0]!) as Record<string, unknown>;
  expect(first).toMatchObject({ level: 30, version: 1, msg: 'migration applied' });
});
