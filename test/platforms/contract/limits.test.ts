import { describe, expect, it } from 'vitest';
import { escapeXml } from '../../../src/format.ts';
import type { TestApp } from '../../helpers/app.ts';
import { OVERSIZE } from '../../helpers/samples.ts';
import { waitUntil } from '../../helpers/wait.ts';
import { harnessPerTest, type PlatformHarness } from './harness.ts';
import { PLATFORMS } from './platforms.ts';

const LANGS = ['en', 'zh'] as const;
// How each oversize title starts, as readers see it.
const OPENING = { en: 'GPT-5 & <friends> **ship**', zh: '大模型发布 & <测试> **新**' };

describe.each(PLATFORMS)('an item beyond every limit of $name', ({ harness }) => {
  let h: PlatformHarness;
  let app: TestApp;

  harnessPerTest(harness, (made) => (h = made));

  it('is alerted, found by search (with More), and shown by latest, stories and why, all in messages the platform takes', async () => {
    app = await h.start();
    // A 1,000-character feed name, 6,000-character titles, 60 KB bodies and 2,500-character links.
    const outlet = await h.feed(OVERSIZE.name('en'), '/long');
    await app.watches.add(h.channel, '*', 'u1');
    for (const lang of LANGS) await outlet.publishAt(app, OVERSIZE.url(lang), escapeXml(OVERSIZE.title(lang)), `<p>${escapeXml(OVERSIZE.body(lang))}</p>`);
    h.deliver();
    await waitUntil(
      async () => {
        const rows = await app.outbox.list();
        return rows.length === 2 && rows.every((r) => r.status === 'sent' || r.status === 'failed');
      },
      10_000,
      'both alerts settled',
    );
    expect((await app.outbox.list()).map((r) => [r.status, r.last_error])).toEqual([
      ['sent', null],
      ['sent', null],
    ]);

    const posts = h.posts();
    expect(posts).toHaveLength(2);
    for (const [i, lang] of [...LANGS].entries()) {
      expect(posts[i]!.text).toContain(OPENING[lang]);
      expect(posts[i]!.text).toContain(OVERSIZE.name('en').slice(0, 50));
      expect(posts[i]!.mentions).toEqual([]);
      // The link is kept, somewhere it fits, and goes to the item.
      expect(posts[i]!.text.includes(OVERSIZE.url(lang)) || posts[i]!.links.some((link) => link.url === OVERSIZE.url(lang))).toBe(true);
    }

    // More of them, so that a search has a second page.
    for (let n = 0; n < 5; n++) await outlet.publishAt(app, `${OVERSIZE.url('en')}/${n}`, escapeXml(`${n} ${OVERSIZE.title('en')}`), `<p>${escapeXml(OVERSIZE.body('en'))}</p>`);
    const found = await h.command('gpt-5');
    expect(found.text).toContain(OPENING.en);
    expect(found.hasMore).toBe(true);
    expect((await h.more(found)).text).toContain(OPENING.en);

    const id = (await app.items.find(OVERSIZE.url('en')))!.id;
    for (const command of ['latest 10', 'stories', `stories #${id}`, `why ${id}`]) {
      const answer = await h.command(command);
      expect(answer.text, command).toContain(OPENING.en.slice(0, 5));
    }
  });
});
