import { afterEach, expect, it } from 'vitest';
import { DiscordHarness } from '../contract/discord-harness.ts';

const SECRET = '333333333333333333';
let h: DiscordHarness;

afterEach(async () => {
  await h.stop();
});

it('lets a member mention a role only as Discord would let them type it: mentionable, or with Mention @everyone', async () => {
  h = new DiscordHarness();
  h.discord.roles.push({ id: SECRET, name: 'leadership', mentionable: false });
  const app = await h.start();
  const refused = await h.command('watch gpt-6 mention:@leadership', { admin: true });
  expect(refused.text).toContain('you may not mention @leadership: it is not mentionable');
  expect(await app.watches.list()).toEqual([]);
  // As Discord's client writes a picked role, by id; an unknown role is named as such.
  expect((await h.command(`watch gpt-6 mention:<@&${SECRET}>`, { admin: true })).text).toContain('you may not mention @leadership');
  expect((await h.command('watch gpt-6 mention:@nobody', { admin: true })).text).toContain('this server has no role @nobody');
  // A user is anyone's to mention.
  expect((await h.command('watch gpt-6 mention:<@444444444444444444>', { admin: true })).text).toContain('Its alerts mention <@444444444444444444>');
  expect(JSON.parse((await app.watches.list())[0]!.mention!)).toEqual({ kind: 'user', id: '444444444444444444', label: '<@444444444444444444>' });
});
