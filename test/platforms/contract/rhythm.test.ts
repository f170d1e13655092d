import { describe, expect, it } from 'vitest';
import { escapeXml } from '../../../src/format.ts';
import type { TestApp } from '../../helpers/app.ts';
import { outboxSettled, waitUntil } from '../../helpers/wait.ts';
import { harnessPerTest, type PlatformHarness } from './harness.ts';
import { PLATFORMS } from './platforms.ts';

/** Changing a channel's settings takes who may change its watches: an admin may anywhere. */
const MANAGER = { admin: true } as const;

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Quiet hours that hold now: from the hour before to the hour after, in UTC. */
function quietAroundNow(): string {
  const hour = new Date().getUTCHours();
  const at = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`;
  return `${at(hour - 1)}-${at(hour + 2)}`;
}

/** What the channel holds back, and what it sent, by kind. */
async function rows(app: TestApp) {
  const all = (await app.outbox.list()).reverse();
  return { held: all.filter((r) => r.status === 'held'), folds: all.filter((r) => r.kind === 'fold'), alerts: all.filter((r) => r.kind === 'alert') };
}

const HOSTILE = 'GPT-5 <!channel> @everyone <@&123456789012345678> **FREE** <https://evil.example|https://openai.com> [openai.com](https://evil.example/x)';

describe.each(PLATFORMS)('a channel’s rhythm on $name', ({ name, harness }) => {
  let h: PlatformHarness;
  let app: TestApp;

  harnessPerTest(harness, (made) => (h = made));

  it('holds what comes in quiet hours, and sends it all as one message when they are turned off', async () => {
    app = await h.start();
    await app.watches.add(h.channel, 'gpt-5', 'u1');
    expect((await h.command(`quiet ${quietAroundNow()}`, MANAGER)).text).toMatch(/Quiet hours are now \d\d:00–\d\d:00 \(UTC\)/);
    await h.publish(['GPT-5 ships to everyone', 'GPT-5 pricing is cut', 'GPT-5 tops the benchmarks']);
    await settle(400);
    expect(h.posts()).toEqual([]);
    const { held } = await rows(app);
    expect(held).toHaveLength(3);
    expect(held.every((r) => r.held_for === 'quiet' && r.held_until! > new Date().toISOString())).toBe(true);

    const off = await h.command('quiet off', MANAGER);
    expect(off.text).toContain('Quiet hours are off');
    await waitUntil(async () => (await rows(app)).folds[0]?.status === 'sent', 5000, 'the fold sent');
    await settle(300);
    expect(h.posts()).toHaveLength(1);
    const [post] = h.posts();
    expect(post!.text).toContain('While you were away: 3 stories');
    for (const title of ['GPT-5 ships to everyone', 'GPT-5 pricing is cut', 'GPT-5 tops the benchmarks']) expect(post!.text).toContain(title);
    // Every row it gathered is recorded sent, with the fold's message.
    expect((await rows(app)).alerts.map((r) => [r.status, r.platform_message_id])).toEqual(Array(3).fill(['sent', post!.id]));
  });

  it('with limit 2/h, sends two of five alerts, holds three, and folds them into one message when the hour allows', async () => {
    app = await h.start();
    await app.watches.add(h.channel, 'gpt-5', 'u1');
    expect((await h.command('limit 2/h', MANAGER)).text).toContain('at most 2 alerts in any hour');
    await h.publish(['GPT-5 one', 'GPT-5 two', 'GPT-5 three', 'GPT-5 four', 'GPT-5 five']);
    await waitUntil(() => h.posts().length === 2, 5000, 'two alerts');
    await outboxSettled(app);
    await settle(300);
    expect(h.posts()).toHaveLength(2);
    const holding = await rows(app);
    expect(holding.held.map((r) => r.held_for)).toEqual(['limit', 'limit', 'limit']);
    const due = holding.held[0]!.held_until!;
    expect(Date.parse(due) - Date.parse(holding.alerts[0]!.created_at)).toBe(3_600_000);

    // The hour passes: the first alert leaves the window.
    const hourAgo = (iso: string) => new Date(Date.parse(iso) - 3_600_000).toISOString();
    for (const row of await app.outbox.list()) app.db.prepare('UPDATE outbox SET created_at = ? WHERE id = ?').run(hourAgo(row.created_at), row.id);
    app.db.prepare("UPDATE outbox SET held_until = ? WHERE status = 'held'").run(new Date(Date.now() - 1000).toISOString());
    h.deliver();
    await waitUntil(() => h.posts().length === 3, 5000, 'the fold');
    await outboxSettled(app);
    await settle(300);
    expect(h.posts()).toHaveLength(3);
    const fold = h.posts()[2]!;
    expect(fold.text).toContain('3 more stories matching your watches');
    // Each of the five is told once: two as alerts, three in the fold.
    for (const title of ['GPT-5 one', 'GPT-5 two', 'GPT-5 three', 'GPT-5 four', 'GPT-5 five']) {
      expect(h.posts().filter((post) => post.text.includes(title))).toHaveLength(1);
    }
    expect(['GPT-5 one', 'GPT-5 two', 'GPT-5 three', 'GPT-5 four', 'GPT-5 five'].filter((title) => fold.text.includes(title))).toHaveLength(3);
    expect((await rows(app)).held).toEqual([]);
  });

  it('cuts a fold too big for one message at a story boundary, and sends the rest as a second message', async () => {
    app = await h.start();
    await app.watches.add(h.channel, 'gpt-5', 'u1');
    await h.command(`quiet ${quietAroundNow()}`, MANAGER);
    const titles = Array.from({ length: 12 }, (_, i) => `GPT-5 item ${String.fromCharCode(65 + i)} ${'long words '.repeat(20)}`);
    await h.publish(titles, `<p>${'A summary that goes on for a while. '.repeat(40)}</p>`);
    await h.command('quiet off', MANAGER);
    await waitUntil(() => h.posts().length === 2, 5000, 'two messages');
    await outboxSettled(app);
    const [first, second] = h.posts();
    expect(first!.text).toContain('While you were away: 12 stories (part 1 of 2)');
    expect(second!.text).toContain('(part 2 of 2)');
    for (const title of titles) {
      const shown = title.slice(0, 20);
      // Every story is told once, in one of the two.
      expect(Number(first!.text.includes(shown)) + Number(second!.text.includes(shown))).toBe(1);
    }
  });

  it('keeps feed text escaped in a fold, as in alerts: it pings no one, and links only the item', async () => {
    app = await h.start();
    await app.watches.add(h.channel, 'gpt-5', 'u1');
    await h.command(`quiet ${quietAroundNow()}`, MANAGER);
    await h.publish([escapeXml(HOSTILE), 'GPT-5 plain'], `<p>${escapeXml('Ask @here or <@111111111111111111> at [openai.com](https://evil.example/login)')}</p>`);
    await h.command('quiet off', MANAGER);
    await waitUntil(() => h.posts().length === 1, 5000, 'the fold');
    await outboxSettled(app);
    const [post] = h.posts();
    expect(post!.mentions).toEqual([]);
    expect(post!.text).toContain(HOSTILE);
    const own = new Set<string | null>();
    for (const r of await app.outbox.list()) if (r.kind === 'alert') own.add((await app.items.find(r.item_id))!.url);
    for (const link of post!.links) expect(own.has(link.url)).toBe(true);
  });

  it('sends a digest of the stories ranked by outlets, then recency, saying which had a live alert', async () => {
    app = await h.start();
    const verge = await h.feed('The Verge', '/verge');
    const reuters = await h.feed('Reuters', '/reuters');
    await app.watches.add(h.channel, 'gpt-5', 'u1');
    await h.publish('GPT-5 arrives for every ChatGPT user', '<p>OpenAI released GPT-5 to all users.</p>');
    await waitUntil(() => h.posts().length === 1, 5000, 'the live alert');
    await outboxSettled(app);
    expect((await h.command('digest daily 09:00 only', MANAGER)).text).toContain('a daily digest every day at 09:00, instead of live alerts');
    await h.publish('GPT-5 mini lands in the API', '<p>A smaller GPT-5 for developers.</p>');
    await verge.publish(app, 'GPT-5 mini lands in the API for developers', '<p>A smaller GPT-5.</p>');
    await reuters.publish(app, 'GPT-5 arrives for every ChatGPT user today', '<p>OpenAI released GPT-5.</p>');
    await verge.publish(app, 'GPT-5 arrives for all ChatGPT users', '<p>OpenAI released GPT-5 to everyone.</p>');
    await h.publish('GPT-5 gets a voice mode', '<p>Talk to GPT-5.</p>');
    await settle(300);
    expect(h.posts()).toHaveLength(1);

    const sent = await app.rhythm.sendDigest(h.channel);
    expect(sent.stories).toBe(3);
    h.deliver();
    await waitUntil(() => h.posts().length === 2, 5000, 'the digest');
    await outboxSettled(app);
    const digest = h.posts()[1]!;
    expect(digest.text).toContain('Daily digest: 3 stories');
    const order = ['GPT-5 arrives for every ChatGPT user', 'GPT-5 mini lands in the API', 'GPT-5 gets a voice mode'].map((t) => digest.text.indexOf(t));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(digest.text).toMatch(/3 sources: Example News, Reuters, The Verge[^\n]*already alerted here/);
    expect(digest.text).toMatch(/2 sources: Example News, The Verge[^\n]*new to this channel/);
    // The alerts the digest replaced are recorded sent, in it.
    const held = (await app.outbox.list()).filter((r) => r.kind === 'alert' && r.fold_id !== null);
    expect(held.map((r) => r.platform_message_id)).toEqual([digest.id, digest.id]);
    if (name === 'slack') expect((digest.raw as { blocks: unknown[] }).blocks).toHaveLength(1 + 3 * 2);
    if (name === 'discord') expect((digest.raw as { embeds: unknown[] }).embeds).toHaveLength(3);
  });
});
