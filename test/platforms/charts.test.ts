import { PNG } from 'pngjs';
import { afterEach, describe, expect, it } from 'vitest';
import { CHART_HEIGHT, CHART_WIDTH } from '../../src/charts/trend-chart.ts';
import { rss } from '../helpers/feed-server.ts';
import { outboxSettled, waitUntil } from '../helpers/wait.ts';
import type { TestApp } from '../helpers/app.ts';
import { DiscordHarness } from './contract/discord-harness.ts';
import { SlackHarness } from './contract/slack-harness.ts';

const DAY = 86_400_000;
const MANAGER = { admin: true } as const;

/** A PNG's size, read by a real decoder (which throws on anything that is not a whole PNG). */
function pngSize(bytes: Buffer): { width: number; height: number } {
  const png = PNG.sync.read(bytes);
  return { width: png.width, height: png.height };
}

/**
 * Items published on known days, on a feed subscribed after they appeared (so stored as backlog, which
 * trends count as any other item): GPT-5 in two stories two days ago, GPT-5 and 大模型 once each today.
 */
async function knownDays(h: SlackHarness | DiscordHarness, app: TestApp): Promise<void> {
  // Early in today (UTC), and never in the future; and an hour into the day before yesterday.
  const today = Math.max(Date.now() - (Date.now() % DAY), Date.now() - 120_000);
  const twoDaysAgo = Date.now() - (Date.now() % DAY) - 2 * DAY + 3_600_000;
  const entries = [
    { title: 'GPT-5 launches', link: 'https://a.example/1', guid: 'a1', pubDate: new Date(twoDaysAgo).toUTCString() },
    { title: 'Whisper 4 is out of the lab', link: 'https://a.example/2', guid: 'a2', pubDate: new Date(twoDaysAgo + 60_000).toUTCString(), description: 'It competes with GPT-5 on audio.' },
    { title: '国产大模型发布新版本', link: 'https://a.example/3', guid: 'a3', pubDate: new Date(today).toUTCString() },
    { title: 'GPT-5 pricing cut in half', link: 'https://a.example/4', guid: 'a4', pubDate: new Date(today).toUTCString() },
  ];
  h.server.route('/known', { body: rss(entries, 'Known Days') });
  await app.watches.add(h.channel, 'GPT-5', 'u1');
  await app.watches.add(h.channel, '大模型', 'u1');
  const url = h.server.url('/known');
  await app.admin.add({ url, name: 'Known Days' });
  await app.poller.poll((await app.feeds.find(url))!);
}

describe.each([
  { name: 'slack', make: () => new SlackHarness() },
  { name: 'discord', make: () => new DiscordHarness() },
])('charts on $name', ({ name, make }) => {
  let h: SlackHarness | DiscordHarness;
  let app: TestApp;

  /** A channel with a weekly digest instead of live alerts, `titles` published, and the digest sent now (after `before`). */
  async function weeklyDigest(titles: string[], before: () => void = () => undefined) {
    h = make();
    app = await h.start();
    await app.watches.add(h.channel, 'gpt-5', 'u1');
    await h.command('digest weekly mon 09:00 only', MANAGER);
    await h.publish(titles);
    before();
    await app.rhythm.sendDigest(h.channel);
    h.deliver();
    await waitUntil(() => h.posts().length === 1, 5000, 'the digest');
    await outboxSettled(app);
    return h.posts()[0]!;
  }

  afterEach(async () => {
    const refused = [...h.refused()];
    await h.stop();
    expect(refused).toEqual([]);
  });

  it('draws trends from the counts of known days, and posts them as a PNG picture', async () => {
    h = make();
    app = await h.start({ AINEWS_TIMEZONE: 'UTC' });
    await knownDays(h, app);
    const { data } = await app.trends.of(h.channel, 7);
    expect(data.series.map((s) => s.label)).toEqual(['GPT-5', '大模型']);
    expect(data.series[0]!.counts).toEqual([0, 0, 0, 0, 2, 0, 1]);
    expect(data.series[1]!.counts).toEqual([0, 0, 0, 0, 0, 0, 1]);

    const reply = await h.command('trends 7d');
    let png: Buffer;
    if (name === 'slack') {
      const slack = (h as SlackHarness).slack;
      expect(reply.text).toContain('Posted the chart to this channel');
      expect(slack.uploads).toHaveLength(1);
      expect(slack.uploads[0]).toMatchObject({ channel: 'C0NEWS', filename: 'trends.png' });
      png = slack.uploads[0]!.data;
    } else {
      const discord = (h as DiscordHarness).discord;
      expect(reply.text).toContain('GPT-5');
      const message = reply.raw as { id: string };
      const [attachment] = discord.attachments.of(message.id);
      expect(attachment).toMatchObject({ filename: 'trends.png' });
      png = attachment!.data;
    }
    expect(pngSize(png)).toEqual({ width: CHART_WIDTH, height: CHART_HEIGHT });
  });

  it('puts the week’s chart in a weekly digest, in the one message', async () => {
    const digest = await weeklyDigest(['GPT-5 arrives', 'GPT-5 gets cheaper']);
    expect(digest!.text).toContain('Weekly digest: 2 stories');
    let png: Buffer;
    if (name === 'slack') {
      const slack = (h as SlackHarness).slack;
      const blocks = (digest!.raw as { blocks: { type: string; slack_file?: { id: string } }[] }).blocks;
      const image = blocks.find((b) => b.type === 'image')!;
      const upload = slack.uploads.find((u) => u.id === image.slack_file!.id)!;
      // Uploaded, shared in no channel: it shows in the digest only.
      expect(upload.channel).toBeUndefined();
      png = upload.data;
    } else {
      const [attachment] = (h as DiscordHarness).discord.attachments.of(digest!.id);
      png = attachment!.data;
    }
    expect(pngSize(png)).toEqual({ width: CHART_WIDTH, height: CHART_HEIGHT });
    // Five days left out of a weekly digest would be no week: the chart covers seven.
    expect((await app.trends.of(h.channel, 7)).data.days).toHaveLength(7);
  });

  it.skipIf(name !== 'slack')('still posts a weekly digest when the chart cannot be uploaded (an install without files:write), saying so', async () => {
    const digest = await weeklyDigest(['GPT-5 arrives'], () => (h as SlackHarness).slack.fail('files.getUploadURLExternal', { error: 'missing_scope' }));
    expect(digest!.text).toContain('GPT-5 arrives');
    expect(digest!.text).toContain('The chart could not be attached: missing_scope');
    expect((digest!.raw as { blocks: { type: string }[] }).blocks.some((b) => b.type === 'image')).toBe(false);
  });

  it.skipIf(name !== 'discord')('still posts a weekly digest where the bot lacks Attach Files, saying so, and keeps the channel', async () => {
    const digest = await weeklyDigest(['GPT-5 arrives'], () => {
      const { discord } = h as DiscordHarness;
      discord.noAttachFiles.add(discord.channelId);
    });
    const { discord } = h as DiscordHarness;
    expect(digest!.text).toContain('GPT-5 arrives');
    expect(digest!.text).toContain('the bot needs Attach Files here');
    expect(discord.attachments.of(digest!.id)).toEqual([]);
    expect(await app.watches.channel(h.channel)).toMatchObject({ active: 1 });
  });
});
