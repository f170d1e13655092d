import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app.ts';
import { runCli } from '../helpers/cli.ts';

// Apart from outages.test.ts because it starts processes: `npm run test:quick` leaves it out.

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function app(env: Record<string, string> = {}): Promise<TestApp> {
  const made = await testApp(env);
  cleanups.push(() => made.dispose());
  return made;
}

describe('the database under pressure', () => {
  it('a write waits for another process to release the database, and past AINEWS_DB_BUSY_TIMEOUT fails clearly', async () => {
    const target = await app({ AINEWS_DB_BUSY_TIMEOUT: '20s' });
    // Another process takes the write lock, says so, and lets go a second later.
    const holder = spawn(process.execPath, ['-e', `
      const db = new (require('better-sqlite3'))(process.argv[1]);
      db.exec('BEGIN IMMEDIATE'); console.log('locked');
      setTimeout(() => { db.exec('COMMIT'); db.close(); }, 1000);`, target.config.AINEWS_DB], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => holder.kill());
    await new Promise((resolve) => holder.stdout!.once('data', resolve));
    const started = Date.now();
    expect((await target.watches.add('console:team', 'gpt-5', 'u1')).created).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    // Through the CLI, held for longer than its timeout: a clear message, not a stack.
    target.db.exec('BEGIN IMMEDIATE');
    const refused = await runCli(['watch', 'add', 'console:team', 'claude'], { AINEWS_DB: target.config.AINEWS_DB, AINEWS_SEED_DEFAULT_FEEDS: 'false', AINEWS_DB_BUSY_TIMEOUT: '300ms' });
    target.db.exec('COMMIT');
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/(^|\n)error: the database .* is busy: another ainews process kept it locked longer than AINEWS_DB_BUSY_TIMEOUT; try again/);
    // The user's line carries no stack trace.
    expect(refused.stderr).not.toMatch(/\nerror: .*\n\s+at /);
  }, 30_000);
});
