import { describe, expect, it } from 'vitest';
import { escapeXml } from '../../../src/format.ts';
import type { TestApp } from '../../helpers/app.ts';
import { outboxSettled, waitUntil } from '../../helpers/wait.ts';
import { DiscordHarness } from './discord-harness.ts';
import { harnessPerTest, type PlatformHarness } from './harness.ts';
import { PLATFORMS } from './platforms.ts';
import { SlackHarness } from './slack-harness.ts';

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MANAGER = { admin: true } as const;
const ROLE = '222222222222222222';
const GROUP = 'S0AITEAM';
const HOSTILE = 'GPT-6 <!channel> @everyone <@&123456789012345678> <!subteam^S0OTHERS> <@U0ADMIN> is out';

/** The team a watch mentions, known to each platform's fake before the bot connects. */
function withTeam(h: PlatformHarness): void {
  if (h instanceof SlackHarness) h.slack.userGroups.push({ id: GROUP, handle: 'ai-team' });
  if (h instanceof DiscordHarness) h.discord.roles.push({ id: ROLE, name: 'ai-team', mentionable: true });
}

/** What the mention of @ai-team looks like where it pings: nothing else may. */
function expectedMentions(name: string): string[] {
  if (name === 'slack') return [`!subteam^${GROUP}`];
  if (name === 'discord') return [`<@&${ROLE}>`, `allowed_mentions ${JSON.stringify({ parse: [], roles: [ROLE] })}`];
  return [];
}

describe.each(PLATFORMS)('what matters, on $name', ({ name, harness }) => {
  let h: PlatformHarness;
  let app: TestApp;

  harnessPerTest(harness, (made) => (h = made));

  it('with min:3, alerts once, when the third outlet tells the story, naming all three', async () => {
    app = await h.start();
    const verge = await h.feed('The Verge', '/verge');
    const reuters = await h.feed('Reuters', '/reuters');
    expect((await h.command('watch gpt-6 min:3', MANAGER)).text).toContain('once a story is carried by 3 outlets');
    await h.publish('OpenAI releases GPT-6 to every ChatGPT user', '<p>OpenAI released GPT-6.</p>');
    await verge.publish(app, 'OpenAI releases GPT-6 to all ChatGPT users', '<p>GPT-6 is out.</p>');
    h.deliver();
    await settle(300);
    expect(h.posts()).toEqual([]);
    const first = (await app.items.recent(5)).find((item) => item.title.startsWith('OpenAI releases GPT-6 to every'))!;
    expect((await h.command(`why ${first.id}`)).text).toMatch(/story #\d+ has 2 of the 3 sources this watch needs \(min:3\)/);

    await reuters.publish(app, 'OpenAI releases GPT-6 for every ChatGPT user today', '<p>OpenAI said GPT-6 ships today.</p>');
    h.deliver();
    await waitUntil(() => h.posts().length === 1, 5000, 'the alert at the third outlet');
    await outboxSettled(app);
    await settle(300);
    expect(h.posts()).toHaveLength(1);
    for (const outlet of ['Example News', 'The Verge', 'Reuters']) expect(h.posts()[0]!.text).toContain(outlet);
    expect((await app.outbox.list()).filter((r) => r.kind === 'alert')).toHaveLength(1);
  });

  it('pings who a watch mentions when it fires, exactly them, whatever the feed text says; never on updates', async () => {
    withTeam(h);
    app = await h.start({ STORY_UPDATE_DELAY: '0s', STORY_UPDATE_INTERVAL: '0s' });
    const added = await h.command('watch gpt-6 mention:@ai-team', MANAGER);
    expect(added.text).toContain('Its alerts mention');
    await h.publish(escapeXml(HOSTILE), `<p>${escapeXml('Ask @here or <@111111111111111111> today.')}</p>`);
    await waitUntil(() => h.posts().length === 1, 5000, 'the alert');
    await outboxSettled(app);
    const [post] = h.posts();
    // Slack's fallback text carries the ping too (it is what the notification shows): one mention, twice.
    expect([...new Set(post!.mentions)]).toEqual(expectedMentions(name));
    expect(post!.text).toContain(HOSTILE);
    if (name === 'console') expect(post!.text).toContain('@ai-team');
    const [row] = await app.outbox.list();
    expect(row!.mentions).not.toBeNull();

    // A second outlet: the alert's update names it, and pings nobody.
    const verge = await h.feed('The Verge', '/verge');
    await verge.publish(app, `${escapeXml(HOSTILE)} for everyone`);
    h.deliver();
    await waitUntil(
      async () => {
        const [latest] = await app.outbox.list();
        return latest?.kind === 'update' && latest.status !== 'pending';
      },
      10_000,
      'the update',
    );
    for (const reply of h.posts()[0]!.replies) expect(reply.mentions).toEqual([]);
  });

  it('refuses @everyone, @here and @channel as whom to mention, adding nothing', async () => {
    app = await h.start();
    for (const target of ['@everyone', '@here', '@channel']) {
      expect((await h.command(`watch gpt-6 mention:${target}`, MANAGER)).text).toContain('pings everyone in the channel');
    }
    expect(await app.watches.list()).toEqual([]);
  });
});
