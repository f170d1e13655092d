import { describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.ts';
import { harnessPerTest, type PlatformHarness } from './harness.ts';
import { PLATFORMS } from './platforms.ts';

describe.each(PLATFORMS)('/ainews on $name', ({ harness, pagesInPlace }) => {
  let h: PlatformHarness;
  let app: TestApp;

  harnessPerTest(harness, (made) => (h = made));

  const publishSeven = async () => {
    for (let i = 1; i <= 7; i++) await h.publish(`GPT-5 story ${i}`);
  };

  it('answers a search privately with what was stored, and More replaces it with the next page', async () => {
    app = await h.start();
    await publishSeven();
    const page1 = await h.command('gpt-5');
    expect(page1).toMatchObject({ private: true, hasMore: true });
    expect(page1.text).toContain('GPT-5 story 7');
    expect(page1.text).toContain('Example News');
    const page2 = await h.more(page1);
    expect(page2).toMatchObject({ private: true, replaced: pagesInPlace });
    expect(page2.text).toContain('GPT-5 story 2');
    expect(page2.text).not.toContain('GPT-5 story 7');
  });

  it('lets an admin (AINEWS_ADMINS) add a feed, and tells anyone else, privately, who may', async () => {
    app = await h.start();
    const refused = await h.command('feeds add https://feeds.example.invalid/a.xml', { user: 'alice' });
    expect(refused.private).toBe(true);
    expect(refused.text).toContain('AINEWS_ADMINS');
    expect((await app.feeds.list()).map((f) => f.url)).not.toContain('https://feeds.example.invalid/a.xml');
    const added = await h.command('feeds add https://feeds.example.invalid/c.xml', { admin: true });
    expect(added.private).toBe(true);
    expect((await app.feeds.list()).map((f) => f.url)).toContain('https://feeds.example.invalid/c.xml');
  });

  it('slows down a user past COMMANDS_PER_MINUTE, privately, saying when to try again, and not the others', async () => {
    app = await h.start({ COMMANDS_PER_MINUTE: '2' });
    await h.command('help');
    await h.command('help');
    const refused = await h.command('help');
    expect(refused.private).toBe(true);
    expect(refused.text).toMatch(/try again in \d+ s/i);
    expect((await h.command('help', { user: 'bob' })).text).toContain('/ainews watch');
  });

  it('leaves the results in place when More is pressed past the limit', async () => {
    app = await h.start({ COMMANDS_PER_MINUTE: '1' });
    await publishSeven();
    const page1 = await h.command('gpt-5');
    const refused = await h.more(page1);
    expect(refused).toMatchObject({ private: true, replaced: false });
    expect(refused.text).toMatch(/try again in \d+ s/i);
  });
});
