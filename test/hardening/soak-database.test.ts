import { afterEach, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app.ts';
import { storeItems } from '../helpers/items.ts';
import { SoakDatabase } from './soak-database.ts';

let app: TestApp | undefined;
let outside: SoakDatabase | undefined;
afterEach(async () => {
  await outside?.close();
  await app?.dispose();
});

it('finds a SQLite database that others keep writing to intact, round after round, though it stays open meanwhile', async () => {
  app = await testApp();
  outside = await SoakDatabase.open(app.config.AINEWS_DB);
  const found: string[] = [];
  // Enough items, one at a time, for FTS5 to merge its segments several times between two checks.
  for (let n = 1; n <= 40; n++) {
    await storeItems(app, [{ title: `story ${n} of its own, word${n}` }]);
    found.push(await outside.integrity());
  }
  expect(found.filter((said) => said !== 'ok')).toEqual([]);
});
