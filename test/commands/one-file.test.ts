import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandSet, COMMANDS } from '../../commands/index.ts';
import { defineCommand } from '../../commands/types.ts';
import { registerCommandForms } from '../../src/cli/command-forms.ts';
import { createLogger } from '../../src/log.ts';
import { createDiscord } from '../../src/platforms/discord/discord-app.ts';
import { commandDefinitions } from '../../src/platforms/discord/slash-commands.ts';
import { createSlack } from '../../src/platforms/slack/slack-app.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { ask } from '../helpers/ask.ts';
import { FakeDiscord } from '../helpers/fake-discord.ts';
import { FakeSlack } from '../helpers/fake-slack.ts';
import { waitUntil } from '../helpers/wait.ts';

/**
 * A command that exists only here, to show that adding a command is its definition alone: once in the
 * set, every platform offers it, with its options, policy and usage.
 */
const shout = defineCommand({
  name: 'shout',
  usage: 'shout <words> [times]',
  summary: 'say it louder',
  description: 'Say it louder',
  options: [
    { name: 'words', type: 'string', required: 'shout what?', description: 'what to say' },
    { name: 'times', type: 'integer', min: 1, max: 3, description: 'how many times (once by default)' },
  ],
  access: 'channel-manager',
  action: 'shout here',
  uses: ['watches'],
  cli: { name: 'shout', channel: 'first', json: true },
  async run({ words, times = 1 }, ctx) {
    const loud = Array.from({ length: times }, () => `${words.toUpperCase()}!`).join(' ');
    return { kind: 'notice', lines: [`${loud} (${ctx.channel} has ${(await ctx.services.watches.list(ctx.channel ?? undefined)).length} watches)`], data: { loud } };
  },
});
const commands = commandSet([...COMMANDS.filter((c) => c.name !== 'help'), shout]);

let app: TestApp;
beforeEach(async () => {
  app = await testApp();
});
afterEach(() => app.dispose());

describe('a command defined in one file', () => {
  it('is typed on the console, with its options checked and listed in help', async () => {
    expect(await ask(app, 'shout hello 2', { commands })).toMatchObject({ kind: 'notice', lines: ['HELLO! HELLO! (console:team has 0 watches)'] });
    expect(await ask(app, 'shout hello 9', { commands })).toMatchObject({ kind: 'error', message: 'shout takes what to say, or a number from 1 to 3 (got "hello 9")', usage: '/ainews shout <words> [times]' });
    expect(await ask(app, 'help', { commands })).toMatchObject({ lines: expect.arrayContaining(['/ainews shout <words> [times]  — say it louder']) });
  });

  it('is a generated Discord subcommand, answered and gated like the others', async () => {
    const shoutJson = (commandDefinitions(commands)[0]!.options as { name: string; options: unknown[] }[]).find((o) => o.name === 'shout');
    expect(shoutJson).toMatchObject({
      type: 1,
      description: 'Say it louder',
      options: [
        { type: 3, name: 'words', required: true },
        { type: 4, name: 'times', required: false, min_value: 1, max_value: 3 },
        { type: 5, name: 'share' },
      ],
    });
    const discord = await new FakeDiscord().listen();
    const config = { ...app.config, DISCORD_TOKEN: discord.token, DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: discord.apiUrl };
    const platform = createDiscord(config, app, createLogger('silent'), { installId: app.installId, retryBaseMs: 100, commands })!;
    try {
      expect(await platform.start()).toBe(true);
      const answer = async (permissions?: bigint) => {
        const { token } = discord.slash('shout', { words: 'hi', times: 3 }, permissions === undefined ? {} : { permissions });
        return JSON.stringify(await discord.waitForOriginal(token));
      };
      expect(await answer()).toContain('only those who manage this channel can shout here');
      expect(await answer(1n << 4n)).toContain('HI! HI! HI!');
    } finally {
      await platform.stop();
      await discord.close();
    }
  });

  it('is typed in Slack', async () => {
    const slack = await new FakeSlack().listen();
    const config = { ...app.config, SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl };
    const platform = createSlack(config, app, createLogger('silent'), { retryBaseMs: 100, commands })!;
    try {
      expect(await platform.start()).toBe(true);
      await slack.envelope('slash_commands', slack.slashPayload('shout hey'));
      await waitUntil(() => slack.responses.length === 1, 5000, 'the answer');
      expect(slack.responses[0]!.body).toMatchObject({ response_type: 'ephemeral', text: 'HEY! (slack:T0TEST/C0NEWS has 0 watches)' });
    } finally {
      await platform.stop();
      await slack.close();
    }
  });

  it('is a generated CLI command, with the channel where its form puts it', async () => {
    const program = new Command('ainews').exitOverride();
    registerCommandForms(program, commands);
    expect(program.commands.find((c) => c.name() === 'shout')!.helpInformation()).toMatch(/Usage: ainews shout \[options\] <channel> <words> \[times\][\s\S]*--json/);
    const printed: string[] = [];
    const write = process.stdout.write;
    process.env.AINEWS_DB = app.config.AINEWS_DB;
    process.stdout.write = ((chunk: string) => (printed.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      await program.parseAsync(['shout', 'console:hall', 'yo', '2', '--json'], { from: 'user' });
    } finally {
      process.stdout.write = write;
      delete process.env.AINEWS_DB;
    }
    expect(JSON.parse(printed.join(''))).toEqual({ loud: 'YO! YO!' });
  });
});
