import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStorage, type OpenedStorage } from '../../src/db/open-storage.ts';
import { describePostgres, freshPostgresUrl } from '../helpers/postgres.ts';

const OPTIONS = { busyTimeoutMs: 1000, onIdleError: () => undefined };

/** What the app opens from AINEWS_DB, the same on each backend: migrated, sized, vacuumed, closed. */
function openStorageSuite(describeOn: (name: string, suite: () => void) => void, location: () => Promise<string>, kind: OpenedStorage['kind']): void {
  describeOn('opening AINEWS_DB', () => {
    let storage: OpenedStorage | undefined;
    afterEach(async () => {
      await storage?.close();
      storage = undefined;
    });

    it('migrates a new database once, and opens it again without migrating', async () => {
      const where = await location();
      storage = await openStorage(where, OPTIONS);
      expect(storage.kind).toBe(kind);
      expect(storage.applied.length).toBeGreaterThan(0);
      await storage.sql.run("INSERT INTO meta (key, value) VALUES ('kept', 'yes')");
      await storage.close();
      storage = await openStorage(where, OPTIONS);
      expect(storage.applied).toEqual([]);
      expect(await storage.sql.get('SELECT value FROM meta WHERE key = ?', ['kept'])).toEqual({ value: 'yes' });
    });

    it('lets a transaction at work finish before closing, and can be closed twice', async () => {
      const where = await location();
      storage = await openStorage(where, OPTIONS);
      const opened = storage;
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const work = opened.sql.withTransaction(async (tx) => {
        await tx.run("INSERT INTO meta (key, value) VALUES ('first', '1')");
        entered();
        await new Promise((resolve) => setTimeout(resolve, 20));
        await tx.run("INSERT INTO meta (key, value) VALUES ('second', '2')");
      });
      await inside;
      await Promise.all([opened.close(), work]);
      await opened.close();
      storage = await openStorage(where, OPTIONS);
      expect(await storage.sql.all("SELECT key FROM meta WHERE key IN ('first', 'second') ORDER BY key")).toEqual([{ key: 'first' }, { key: 'second' }]);
    });

    it('tells its size, and vacuums', async () => {
      storage = await openStorage(await location(), OPTIONS);
      const before = await storage.size();
      expect(before.bytes).toBeGreaterThan(0);
      await storage.vacuum();
      expect((await storage.size()).bytes).toBeGreaterThan(0);
    });
  });
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const sqliteFile = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ainews-storage-'));
  dirs.push(dir);
  return join(dir, 'ainews.db');
};

openStorageSuite(describe, sqliteFile, 'sqlite');
openStorageSuite(describePostgres, freshPostgresUrl, 'postgres');

describe('opening a PostgreSQL database that cannot be used', () => {
  it('says so in one line naming the server without its password', async () => {
    // Nothing listens on port 1 of this machine.
    const failure = openStorage('postgres://ainews:s3cret@127.0.0.1:1/ainews', OPTIONS);
    await expect(failure).rejects.toThrow(/^cannot use the PostgreSQL database at postgres:\/\/ainews:\*\*\*@127\.0\.0\.1:1\/ainews: .*ECONNREFUSED/);
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });
});
