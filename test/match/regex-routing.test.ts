import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_REGEX_WATCHES_PER_CHANNEL, MAX_WATCHES_PER_CHANNEL, WatchLimitError } from '../../src/db/watches.ts';
import { ask } from '../helpers/ask.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { storeItems } from '../helpers/items.ts';

let app: TestApp;
beforeEach(async () => {
  app = await testApp();
});
afterEach(() => app.dispose());

const TEAM = 'console:team';
const item = async (title: string, body = '') => {
  const [created] = (await storeItems(app, [{ title, body: body && `<p>${body}</p>` }])).created;
  return (await app.items.find(created!.id))!;
};
const why = async (id: number) => JSON.stringify(await ask(app, `why ${id}`));

describe('regex watches, from the watch command to the outbox', () => {
  it('queues alerts for items the pattern matches, and why says what it made of the others', async () => {
    expect(await ask(app, 'watch /gpt-?5(\\.\\d+)?/i -mini')).toMatchObject({ kind: 'notice', lines: [expect.stringContaining('Watching "/gpt-?5(\\.\\d+)?/i -mini" here'), expect.any(String)] });
    const launched = await item('OpenAI ships GPT\u20115.1 to everyone');
    const mini = await item('GPT-5 mini arrives');
    const older = await item('GPT-4o gets cheaper');
    const inBody = await item('OpenAI news', 'The gpt5 family grows.');

    expect(await app.outbox.find(launched.id, TEAM)).toMatchObject({ watch_query: '/gpt-?5(\\.\\d+)?/i -mini', status: 'pending' });
    expect(await app.outbox.find(inBody.id, TEAM)).toBeDefined();
    expect(await app.outbox.find(mini.id, TEAM)).toBeUndefined();
    expect(await app.outbox.find(older.id, TEAM)).toBeUndefined();
    expect(await why(mini.id)).toContain('excluded by -mini');
    expect(await why(older.id)).toContain('no match for /gpt-?5(\\\\.\\\\d+)?/i in the title or text');
  });

  it('refuses a pattern RE2 cannot run, with the reason and the command usage', async () => {
    expect(await ask(app, 'watch /(gpt)-\\1/')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('backreferences such as \\1 are not supported'),
      usage: expect.stringContaining('/ainews watch'),
    });
    expect(await app.watches.list(TEAM)).toEqual([]);
  });
});

describe('the regex watch limit', () => {
  it(`refuses a channel's regex watch beyond ${MAX_REGEX_WATCHES_PER_CHANNEL}, but not its keyword watches`, async () => {
    for (let i = 0; i < MAX_REGEX_WATCHES_PER_CHANNEL; i++) await app.watches.add(TEAM, `/model-${i}\\b/i`, 'U1');
    await expect(app.watches.add(TEAM, '/one-too-many/', 'U1')).rejects.toThrow(WatchLimitError);
    await expect(app.watches.add(TEAM, '/one-too-many/', 'U1')).rejects.toThrow(`this channel already has ${MAX_REGEX_WATCHES_PER_CHANNEL} regex watches, the most it can have`);
    // The same pattern again is the watch it already has, not a new one.
    expect((await app.watches.add(TEAM, '/model-0\\b/i', 'U1')).created).toBe(false);
    expect((await app.watches.add(TEAM, 'one more keyword', 'U1')).created).toBe(true);
    expect((await app.watches.add('console:other', '/one-too-many/', 'U1')).created).toBe(true);
    await app.watches.remove(TEAM, '/model-0\\b/i');
    expect((await app.watches.add(TEAM, '/one-too-many/', 'U1')).created).toBe(true);
  });

  it(`keeps the limit of ${MAX_WATCHES_PER_CHANNEL} watches of any kind`, async () => {
    for (let i = 0; i < MAX_WATCHES_PER_CHANNEL - 1; i++) await app.watches.add(TEAM, `keyword${i}`, 'U1');
    await app.watches.add(TEAM, '/last/', 'U1');
    await expect(app.watches.add(TEAM, '/over/', 'U1')).rejects.toThrow(`this channel already has ${MAX_WATCHES_PER_CHANNEL} watches`);
  });
});
