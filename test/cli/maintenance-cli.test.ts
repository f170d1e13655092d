import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import Sqlite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app.ts';
import { runCli } from '../helpers/cli.ts';
import { storeItems } from '../helpers/items.ts';

const DAY = 86_400_000;

let app: TestApp;
let env: Record<string, string>;
beforeEach(async () => {
  app = await testApp();
  env = { AINEWS_DB: join(app.dir, 'ainews.db'), AINEWS_SEED_DEFAULT_FEEDS: 'false' };
});
afterEach(() => app.dispose());

describe('ainews prune', () => {
  it('counts on --dry-run and deletes nothing, then deletes the old items, leaving tombstones', async () => {
    await storeItems(app, [{ title: 'GPT-6 rumours' }, { title: 'Gemini 3 rumours' }, { title: 'Claude 5 rumours' }], { now: new Date(Date.now() - 400 * DAY) });
    await storeItems(app, [{ title: 'GPT-6 is out' }]);

    const dry = await runCli(['prune', '--dry-run', '--json'], env);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dry_run: true, items: 3, kept_items: 0, outbox_rows: 0, tombstones_added: 3, tombstones: 3, freed_bytes: null });
    expect(await app.items.count()).toBe(4);
    const described = await runCli(['prune', '--dry-run'], env);
    expect(described.stdout).toMatch(/^would delete 3 items first seen before \S+ \(AINEWS_RETENTION=365d\)$/m);
    expect(await app.items.count()).toBe(4);

    const real = await runCli(['prune', '--json'], env);
    expect(real.code).toBe(0);
    const report = JSON.parse(real.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ dry_run: false, items: 3, tombstones_added: 3, tombstones: 3, vacuum_ms: null });
    expect(report.longest_lock_ms).toEqual(expect.any(Number));
    expect(report.freed_bytes).toEqual(expect.any(Number));
    expect((await app.items.recent(10)).map((item) => item.title)).toEqual(['GPT-6 is out']);

    const again = await runCli(['prune', '--vacuum'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^deleted 0 items/m);
    expect(again.stdout).toMatch(/^vacuumed in .*: the database is now/m);
  });

  it('says so when AINEWS_RETENTION is 0', async () => {
    await storeItems(app, [{ title: 'GPT-6 rumours' }], { now: new Date(Date.now() - 4000 * DAY) });
    const off = await runCli(['prune'], { ...env, AINEWS_RETENTION: '0' });
    expect(off.stdout).toContain('AINEWS_RETENTION is 0: everything is kept');
    expect(await app.items.count()).toBe(1);
  });
});

describe('ainews backup', () => {
  it('copies the database while another connection keeps writing to it; the copy passes integrity_check and restores', async () => {
    const titles = Array.from({ length: 1500 }, (_, i) => ({ title: `Report ${i} on chips and models`, body: `<p>${'Long enough body text. '.repeat(40)}</p>` }));
    await storeItems(app, titles, { process: false });
    const target = join(app.dir, 'backup.db');
    let writing = true;
    let written = 0;
    // Writes from a second connection (this process's; the backup runs in the CLI's), one transaction each.
    const writer = (async () => {
      while (writing) {
        await storeItems(app, [{ title: `Written during the backup ${written}` }], { process: false });
        written++;
        await setImmediate();
      }
    })();
    const result = await runCli(['backup', target, '--json'], env);
    writing = false;
    await writer;

    expect(result.code, result.stderr).toBe(0);
    expect(written).toBeGreaterThan(0);
    const json = JSON.parse(result.stdout) as { file: string; bytes: number; integrity: string };
    expect(json).toMatchObject({ file: target, integrity: 'ok' });
    expect(json.bytes).toBeGreaterThan(0);
    expect(existsSync(`${target}-wal`)).toBe(false);
    expect(existsSync(`${target}.partial`)).toBe(false);
    const copy = new Sqlite(target, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      const items = copy.prepare('SELECT count(*) FROM items').pluck().get() as number;
      expect(items).toBeGreaterThanOrEqual(1500);
      expect(items).toBeLessThanOrEqual(1500 + written);
    } finally {
      copy.close();
    }

    // Restoring is copying the file back where AINEWS_DB points; ainews starts on it as it was.
    const restored = join(app.dir, 'restored.db');
    copyFileSync(target, restored);
    const listed = await runCli(['items', '--limit', '1', '--json'], { ...env, AINEWS_DB: restored });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
  });

  it('refuses to overwrite a file without --force, a folder that does not exist, and the database itself', async () => {
    await storeItems(app, [{ title: 'GPT-6 is out' }]);
    const target = join(app.dir, 'taken.db');
    writeFileSync(target, 'not mine to overwrite');
    const refused = await runCli(['backup', target], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`error: ${target} already exists; pass --force to overwrite it`);
    expect(readFileSync(target, 'utf8')).toBe('not mine to overwrite');

    const forced = await runCli(['backup', target, '--force'], env);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(new RegExp(`^backed up .* to ${target}: \\d+ KB, integrity_check ok`, 'm'));

    const nowhere = await runCli(['backup', join(app.dir, 'no', 'such', 'folder', 'backup.db')], env);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain(`error: the folder ${join(app.dir, 'no', 'such', 'folder')} does not exist`);

    const itself = await runCli(['backup', env.AINEWS_DB!, '--force'], env);
    expect(itself.code).toBe(1);
    expect(itself.stderr).toContain('is the database itself');

    const none = await runCli(['backup', join(app.dir, 'x.db')], { ...env, AINEWS_DB: join(app.dir, 'missing.db') });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('there is no database at');
  });
});
