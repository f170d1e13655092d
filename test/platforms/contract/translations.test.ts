import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryJson } from '../../../src/cli/deliveries-command.ts';
import type { TestApp } from '../../helpers/app.ts';
import { FakeLlmServer, markingTranslator } from '../../helpers/llm-server.ts';
import { outboxSettled, waitUntil } from '../../helpers/wait.ts';
import { harnessPerTest, type PlatformHarness } from './harness.ts';
import { PLATFORMS } from './platforms.ts';

/** Changing a channel's settings takes who may change its watches: an admin may anywhere. */
const MANAGER = { admin: true } as const;

const TITLE = 'OpenAI ships GPT-5 to everyone';
// Short: the item is its own summary, so that the LLM is asked for translations only.
const BODY = '<p>The model is out today for all users.</p>';
const HOSTILE = '<!channel> @everyone <@&123456789012345678> **FREE** <https://evil.example|https://openai.com> [openai.com](https://evil.example/x)';

/** Quiet hours that hold now: from the hour before to the hour after, in UTC. */
function quietAroundNow(): string {
  const hour = new Date().getUTCHours();
  const at = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`;
  return `${at(hour - 1)}-${at(hour + 2)}`;
}

describe.each(PLATFORMS)('a channel’s language on $name', ({ name, harness }) => {
  let h: PlatformHarness;
  let app: TestApp;
  let llm: FakeLlmServer;

  beforeEach(async () => {
    llm = await new FakeLlmServer().listen();
    llm.behaviour = markingTranslator();
  });
  afterEach(async () => {
    await app?.translator?.stop();
    await llm.close();
  });
  harnessPerTest(harness, (made) => (h = made));

  async function startInChinese(env: Record<string, string> = {}) {
    app = await h.start({ LLM_BASE_URL: llm.baseUrl, LLM_TIMEOUT: '2s', ...env });
    await app.watches.add(h.channel, 'gpt-5', 'u1');
    const answer = await h.command('settings language zh', MANAGER);
    expect(answer.text).toContain('Alerts here are now shown in Chinese (中文)');
    expect(answer.text).not.toContain('LLM_BASE_URL');
    return app;
  }

  it('shows an alert’s title and summary translated, with the original title under the title', async () => {
    await startInChinese();
    await h.publish(TITLE, BODY);
    await waitUntil(() => h.posts().length === 1, 5000, 'the alert');
    await outboxSettled(app);
    const [post] = h.posts();
    expect(post!.text).toContain(`【中】${TITLE}`);
    expect(post!.text).toContain(`原文：${TITLE}`);
    expect(post!.text).toContain('【中】The model is out today for all users.');
    expect(llm.requests).toHaveLength(1);
    if (name === 'slack') {
      const blocks = (post!.raw as { blocks: { type: string; text?: { text: string }; elements?: { text: string }[] }[] }).blocks;
      expect(blocks[0]!.text!.text).toContain(`|【中】${TITLE}>*`);
      expect(blocks[1]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: `原文：${TITLE}` }] });
    }
    if (name === 'discord') {
      const [embed] = (post!.raw as { embeds: { title: string; description: string }[] }).embeds;
      expect(embed!.title).toBe(`【中】${TITLE}`);
      expect(embed!.description).toBe(`原文：${TITLE}\n【中】The model is out today for all users.`);
    }
    const row = (await app.outbox.list())[0]!;
    expect(deliveryJson(row)).toMatchObject({ status: 'sent', translated: true, untranslated_reason: null });
  });

  it('escapes the LLM’s translation as it escapes feed text: it pings no one and links only the item', async () => {
    await startInChinese();
    llm.behaviour = markingTranslator(() => HOSTILE);
    await h.publish(TITLE, BODY);
    await waitUntil(() => h.posts().length === 1, 5000, 'the alert');
    await outboxSettled(app);
    const [post] = h.posts();
    expect(post!.mentions).toEqual([]);
    expect(post!.text).toContain(HOSTILE);
    const own = (await app.items.find((await app.outbox.list())[0]!.item_id!))!.url;
    expect(post!.links.map((link) => link.url)).toContain(own);
    for (const link of post!.links) expect(link.url).toBe(own);
  });

  it('keeps the alert translated when a later source of its story is named under it (an edit on Discord)', async () => {
    await startInChinese({ STORY_UPDATE_DELAY: '0s', STORY_UPDATE_INTERVAL: '0s' });
    const verge = await h.feed('The Verge', '/verge');
    await h.publish('OpenAI ships GPT-5 to every ChatGPT user', BODY);
    await waitUntil(async () => (await app.outbox.list())[0]?.status === 'sent', 5000, 'the alert');
    await verge.publish(app, 'OpenAI ships GPT-5 to all ChatGPT users today');
    h.deliver();
    await waitUntil(
      async () => {
        const [latest] = await app.outbox.list();
        return latest?.kind === 'update' && latest.status === 'sent';
      },
      10_000,
      'the update',
    );
    const [alert] = h.posts();
    expect(alert!.text).toContain('【中】OpenAI ships GPT-5 to every ChatGPT user');
    expect(alert!.text).toContain('原文：OpenAI ships GPT-5 to every ChatGPT user');
    expect([alert!.text, ...alert!.replies.map((reply) => reply.text)].join('\n')).toContain('The Verge');
  });

  it('shows the original when the LLM fails, with no error in the channel, and says why in deliveries and why', async () => {
    await startInChinese();
    llm.behaviour = { kind: 'status', status: 500 };
    await h.publish(TITLE, BODY);
    await waitUntil(() => h.posts().length === 1, 5000, 'the alert');
    await outboxSettled(app);
    const [post] = h.posts();
    expect(post!.text).toContain(TITLE);
    expect(post!.text).toContain('The model is out today for all users.');
    expect(post!.text).not.toMatch(/原文|LLM|HTTP 500|translat/i);
    const row = (await app.outbox.list())[0]!;
    expect(deliveryJson(row)).toMatchObject({ status: 'sent', last_error: null, translated: false, untranslated_reason: 'the LLM failed: the LLM answered HTTP 500' });
    const why = await h.command(`why ${row.item_id}`);
    expect(why.text).toContain('Shown untranslated: the LLM failed: the LLM answered HTTP 500.');
  });

  it('translates the stories of a fold, the original title under each', async () => {
    await startInChinese();
    await h.command(`quiet ${quietAroundNow()}`, MANAGER);
    await h.publish([TITLE, 'GPT-5 mini lands in the API'], BODY);
    // Held rows are translated while they wait, so that their fold has it when it goes.
    await waitUntil(
      async () => (await app.translations.cachedTitles((await app.outbox.list()).map((row) => row.item_id!), 'zh')).size === 2,
      5000,
      'both translations',
    );
    await h.command('quiet off', MANAGER);
    await waitUntil(() => h.posts().length === 1, 5000, 'the fold');
    await outboxSettled(app);
    const [fold] = h.posts();
    expect(fold!.text).toContain('While you were away: 2 stories');
    for (const title of [TITLE, 'GPT-5 mini lands in the API']) {
      expect(fold!.text).toContain(`【中】${title}`);
      expect(fold!.text).toContain(`原文：${title}`);
    }
    expect(llm.requests).toHaveLength(2);
    expect((await app.outbox.list()).map((row) => [row.kind, row.translated])).toEqual([
      ['fold', 1],
      ['alert', 1],
      ['alert', 1],
    ]);
  });

  it('shows cached translated titles in search answers, and no command calls the LLM', async () => {
    await startInChinese();
    await h.publish(TITLE, BODY);
    await waitUntil(() => h.posts().length === 1, 5000, 'the alert');
    await outboxSettled(app);
    const requests = llm.requests.length;
    const answer = await h.command('gpt-5');
    expect(answer.text).toContain(`【中】${TITLE}`);
    await h.command('settings language en', MANAGER);
    expect((await h.command('gpt-5')).text).not.toContain('【中】');
    expect(llm.requests).toHaveLength(requests);
  });
});
