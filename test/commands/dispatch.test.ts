import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Dispatcher, type Asker } from '../../commands/dispatch.ts';
import { commandSet, COMMANDS } from '../../commands/index.ts';
import { CommandRateLimiter } from '../../commands/rate-limit.ts';
import { defineCommand } from '../../commands/types.ts';
import { UserError } from '../../src/user-error.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

let app: TestApp;
let bugs: unknown[];

beforeEach(async () => {
  app = await testApp();
  bugs = [];
});
afterEach(() => app.dispose());

/**
 * A platform's port as a test sets it: who the user is, whether the bot can post here. It records what
 * the dispatcher asked of it, and when.
 */
function asker(overrides: Partial<Asker> = {}, log: string[] = []): Asker {
  return {
    id: 'test:U1',
    name: '@alice',
    channel: 'console:team',
    isAdmin: async () => (log.push('isAdmin'), false),
    isChannelManager: async () => (log.push('isChannelManager'), true),
    whoMay: (access) => `the people this test calls ${access}s`,
    cannotPost: async () => (log.push('cannotPost'), null),
    defer: async () => void log.push(`defer (watches: ${(await app.watches.list()).length})`),
    ...overrides,
  };
}

function dispatcher(options: { perMinute?: number; commands?: typeof COMMANDS } = {}) {
  return new Dispatcher({
    commands: options.commands ?? COMMANDS,
    services: app,
    limiter: options.perMinute === undefined ? undefined : new CommandRateLimiter(options.perMinute),
    onBug: (error) => bugs.push(error),
  });
}

describe('the dispatcher applies what a command declares', () => {
  it('refuses admin commands to non-admins, naming who may, and runs them for admins', async () => {
    const refused = await dispatcher().dispatch({ text: 'feeds add https://feeds.example.invalid/a.xml' }, asker());
    expect(refused).toEqual({ kind: 'error', message: 'only admins can add feeds: the people this test calls admins', usage: '' });
    expect(await app.feeds.list()).toEqual([]);
    const added = await dispatcher().dispatch({ text: 'feeds add https://feeds.example.invalid/a.xml' }, asker({ isAdmin: async () => true }));
    expect(added).toMatchObject({ kind: 'notice', lines: [expect.stringContaining('Added feed #1'), expect.stringContaining('could not be fetched just now')] });
  });

  it("lets channel managers and admins change a channel's watches, and no one else", async () => {
    const member = { isChannelManager: async () => false };
    expect((await dispatcher().dispatch({ text: 'watch gpt-5' }, asker(member)))).toMatchObject({
      kind: 'error',
      message: "only those who manage this channel can change this channel's watches: the people this test calls channel-managers",
    });
    expect((await dispatcher().dispatch({ text: 'unwatch gpt-5' }, asker(member))).kind).toBe('error');
    expect(await app.watches.list()).toEqual([]);
    await dispatcher().dispatch({ text: 'watch gpt-5' }, asker({ ...member, isAdmin: async () => true }));
    expect(await app.watches.list()).toEqual([expect.objectContaining({ query: 'gpt-5', created_by: '@alice' })]);
    // Reading is for anyone.
    expect((await dispatcher().dispatch({ text: 'watches' }, asker(member))).kind).toBe('list');
  });

  it('defers the reply before a command that writes, and not before one that reads', async () => {
    const log: string[] = [];
    await dispatcher().dispatch({ text: 'watch gpt-5' }, asker({}, log));
    expect(log).toEqual(['isChannelManager', 'defer (watches: 0)', 'cannotPost']);
    log.length = 0;
    await dispatcher().dispatch({ text: 'gpt-5' }, asker({}, log));
    await dispatcher().dispatch({ text: 'watches' }, asker({}, log));
    expect(log).toEqual([]);
  });

  it('warns, when a watch is added, that the bot cannot post here, and only then', async () => {
    const cannot = asker({ cannotPost: async () => 'invite me first' });
    expect((await dispatcher().dispatch({ text: 'watch gpt-5' }, cannot))).toMatchObject({ kind: 'notice', warnings: ['invite me first'] });
    expect((await dispatcher().dispatch({ text: 'watch' }, cannot))).not.toHaveProperty('warnings');
    expect((await dispatcher().dispatch({ text: 'watches' }, cannot))).not.toHaveProperty('warnings');
    // A platform that cannot tell is logged, and the watch is answered all the same.
    const broken = asker({ cannotPost: () => Promise.reject(new Error('conversations.info timed out')) });
    expect((await dispatcher().dispatch({ text: 'watch claude' }, broken))).toMatchObject({ kind: 'notice', lines: expect.arrayContaining([expect.stringContaining('Watching "claude"')]) });
    expect(bugs).toEqual([expect.objectContaining({ message: 'conversations.info timed out' })]);
  });

  it('applies the rate limit per user before anything runs', async () => {
    const limited = dispatcher({ perMinute: 1 });
    expect(await limited.dispatch({ text: 'help' }, asker())).toMatchObject({ kind: 'notice', heading: expect.stringContaining('ainews') });
    const refused = await limited.dispatch({ text: 'watch gpt-5' }, asker());
    expect(refused).toEqual({ kind: 'error', message: expect.stringMatching(/^easy there: at most 1 commands a minute each\. Try again in \d+ s\.$/), usage: '' });
    expect(await app.watches.list()).toEqual([]);
    expect((await limited.dispatch({ text: 'help' }, asker({ id: 'test:U2' }))).kind).toBe('notice');
  });

  it('answers any UserError with its message, and anything else without internals', async () => {
    class OddError extends UserError {}
    const odd = defineCommand({
      name: 'odd',
      usage: 'odd [boom]',
      summary: 'fails',
      description: 'Fails',
      options: [{ name: 'how', type: 'string', description: 'how it fails' }],
      access: 'anyone',
      uses: [],
      run({ how }) {
        if (how === 'boom') throw new TypeError('cannot read properties of undefined');
        throw new OddError('that is odd, and yours to fix');
      },
    });
    const commands = commandSet([odd]);
    expect((await dispatcher({ commands }).dispatch({ text: 'odd' }, asker()))).toEqual({ kind: 'error', message: 'that is odd, and yours to fix', usage: '/ainews odd [boom]' });
    expect(bugs).toEqual([]);
    expect((await dispatcher({ commands }).dispatch({ text: 'odd boom' }, asker()))).toEqual({
      kind: 'error',
      message: 'something went wrong on our side; it has been logged',
      usage: '/ainews odd [boom]',
    });
    expect(bugs).toEqual([expect.any(TypeError)]);
  });
});

describe('options, typed or from a form', () => {
  const run = async (text: string) => (await dispatcher().dispatch({ text }, asker({ isAdmin: async () => true })));

  it('reads typed words into the options a command declares, and says what is wrong with the usage', async () => {
    expect(await run('latest x')).toEqual({ kind: 'error', message: 'latest takes a number from 1 to 20 (got "x")', usage: '/ainews latest [n]' });
    expect(await run('stories 51')).toMatchObject({ message: 'stories takes a number from 1 to 50, or a story as #id (got "51")' });
    expect(await run('stories #999')).toMatchObject({ message: expect.stringContaining('no story or item #999') });
    expect(await run('watches please')).toMatchObject({ message: 'watches takes nothing after it (got "please")' });
    expect(await run('feeds frobnicate')).toEqual({ kind: 'error', message: 'unknown feeds action "frobnicate"', usage: '/ainews feeds | feeds add <url> | feeds remove <id>' });
    expect(await run('feeds add')).toMatchObject({ message: 'give the feed URL: feeds add https://example.com/feed.xml' });
    expect(await run('WATCH  "open source"  -rumour')).toMatchObject({ kind: 'notice', lines: expect.arrayContaining(['Watching ""open source" -rumour" here (#1).']) });
  });

  it('checks values a platform form gives the same way', async () => {
    const latest = COMMANDS.find((c) => c.name === 'latest')!;
    const check = async (values: Record<string, string | number | boolean | null>) => (await dispatcher().dispatch({ command: latest, values }, asker()));
    expect(await check({ count: 0 })).toMatchObject({ kind: 'error', message: 'latest takes a number from 1 to 20 (got "0")' });
    expect(await check({ count: null })).toMatchObject({ kind: 'results', heading: expect.stringContaining('No items yet') });
    const why = COMMANDS.find((c) => c.name === 'why')!;
    expect((await dispatcher().dispatch({ command: why, values: {} }, asker()))).toMatchObject({ message: expect.stringContaining('which item?') });
  });

  it('explains one command with help <command>, and every command with help', async () => {
    expect(await run('help feeds')).toMatchObject({ kind: 'notice', heading: '/ainews feeds', lines: [expect.stringContaining('/ainews feeds '), expect.stringContaining('feeds add <url>'), expect.stringContaining('feeds remove <id>')] });
    expect(await run('help frobnicate')).toMatchObject({ kind: 'error', message: expect.stringContaining('no command "frobnicate"') });
    const all = await run('help');
    expect(all.kind === 'notice' && all.lines).toHaveLength(COMMANDS.length);
  });
});
