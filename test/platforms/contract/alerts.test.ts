import { describe, expect, it } from 'vitest';
import { escapeXml } from '../../../src/format.ts';
import type { TestApp } from '../../helpers/app.ts';
import { waitUntil } from '../../helpers/wait.ts';
import { harnessPerTest, type PlatformHarness } from './harness.ts';
import { PLATFORMS } from './platforms.ts';

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Hostile feed text in every platform's syntax: broadcasts, user, role and channel mentions, markdown,
// and links whose text shows one address and opens another.
const HOSTILE_TITLE = 'Free GPUs <!channel> <@U0ADMIN> @everyone <@&123456789012345678> **FREE** ||now|| <https://evil.example|https://openai.com> [openai.com](https://evil.example/x)';
const HOSTILE_BODY = 'Claim free GPUs <!here> at <https://evil.example/login|openai.com/login> today, <!subteam^S0ADMINS>. Ask @here or <@111111111111111111> in <#222222222222222222>, at [openai.com](https://evil.example/login).';

describe.each(PLATFORMS)('alerts on $name', ({ harness, failures }) => {
  let h: PlatformHarness;
  let app: TestApp;

  harnessPerTest(harness, (made) => (h = made));

  it('shows hostile feed text as typed: it pings no one, and the only link is the item’s own', async () => {
    app = await h.start();
    await app.watches.add(h.channel, 'gpus', 'u1');
    await h.publish(escapeXml(HOSTILE_TITLE), `<p>${escapeXml(HOSTILE_BODY)}</p>`);
    await waitUntil(() => h.posts().length === 1, 5000, 'the alert');
    const [post] = h.posts();
    expect(post!.mentions).toEqual([]);
    const own = (await app.items.find(String((await app.outbox.list())[0]!.item_id)))!.url;
    expect(post!.links.length).toBeGreaterThan(0);
    for (const link of post!.links) expect(link.url).toBe(own);
    expect(post!.text).toContain(HOSTILE_TITLE);
    expect(post!.text).toContain('<https://evil.example/login|openai.com/login>');
  });

  // Only a platform that answers over a network can leave an outcome unknown, rate limit, or go away.
  it.skipIf(!failures.includes('no-answer')).each(['server-error', 'no-answer'] as const)('after an unknown outcome (%s), looks in the channel before posting again, and ends with exactly one message', async (how) => {
    app = await h.start();
    await app.watches.add(h.channel, '*', 'u1');
    h.failNextPost(how);
    await h.publish('One story');
    await waitUntil(async () => (await app.outbox.list())[0]?.status === 'sent', 10_000, 'the alert sent');
    const attempts = h.postAttempts();
    const lookups = h.lookups();
    expect(lookups).toHaveLength(1);
    // A 5xx posted nothing: posted again after the look. A lost answer posted it: the look found it.
    expect(attempts).toHaveLength(how === 'server-error' ? 2 : 1);
    expect(lookups[0]).toBeGreaterThanOrEqual(attempts[0]!);
    if (attempts[1] !== undefined) expect(lookups[0]).toBeLessThanOrEqual(attempts[1]);
    expect(h.posts()).toHaveLength(1);
    expect((await app.outbox.list())[0]).toMatchObject({ platform_message_id: h.posts()[0]!.id });
  });

  it.skipIf(!failures.includes('rate-limited'))('honours a 429’s Retry-After and ends with exactly one message', async () => {
    app = await h.start();
    await app.watches.add(h.channel, '*', 'u1');
    h.failNextPost('rate-limited');
    await h.publish('One story');
    await waitUntil(() => h.posts().length === 1, 10_000, 'the message after the 429');
    const attempts = h.postAttempts();
    expect(attempts).toHaveLength(2);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(1000);
    await waitUntil(async () => (await app.outbox.list())[0]!.status === 'sent');
    await settle(300);
    expect(h.posts()).toHaveLength(1);
  });

  it.skipIf(!failures.includes('gone'))('fails for good, with the reason, when the channel is gone: marked inactive, its other alert failed with it, no retry', async () => {
    app = await h.start();
    await app.watches.add(h.channel, '*', 'u1');
    h.failNextPost('gone');
    // Both alerts are queued before either is tried: the second fails with the channel, unsent.
    expect((await h.publish(['First', 'Second'])).alerts).toBe(2);
    await waitUntil(async () => (await app.outbox.list()).every((r) => r.status === 'failed'), 5000, 'both alerts failed');
    await settle(500);
    expect(h.postAttempts()).toHaveLength(1);
    expect((await app.outbox.list()).map((r) => r.last_error)).toEqual([expect.stringMatching(h.goneReason), expect.stringMatching(h.goneReason)]);
    expect(await app.watches.channel(h.channel)).toMatchObject({ active: 0, inactive_reason: expect.stringMatching(h.goneReason) });
    expect((await h.publish('Third')).alerts).toBe(0);
    expect(h.posts()).toEqual([]);
  });

  it('names a second outlet’s report of the story under its alert, in no new message', async () => {
    app = await h.start({ STORY_UPDATE_DELAY: '0s', STORY_UPDATE_INTERVAL: '0s' });
    const verge = await h.feed('The Verge', '/verge');
    await app.watches.add(h.channel, 'gpt-5', 'u1');
    await h.publish('OpenAI ships GPT-5 to every ChatGPT user', '<p>The new model is out.</p>');
    await waitUntil(async () => (await app.outbox.list())[0]?.status === 'sent', 5000, 'the alert');
    await verge.publish(app, 'OpenAI ships GPT-5 to all ChatGPT users today');
    h.deliver();
    await waitUntil(async () => {
      const [latest] = await app.outbox.list();
      return latest?.kind === 'update' && latest.status === 'sent';
    }, 10_000, 'the update');
    expect(h.posts()).toHaveLength(1);
    const [alert] = h.posts();
    const shown = [alert!.text, ...alert!.replies.map((reply) => reply.text)].join('\n');
    expect(shown).toContain('OpenAI ships GPT-5 to every ChatGPT user');
    expect(shown).toContain('The Verge');
    expect([alert!, ...alert!.replies].flatMap((message) => message.mentions)).toEqual([]);
  });
});
