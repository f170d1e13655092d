import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Answer } from '../../commands/index.ts';
import { ask } from '../helpers/ask.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { FeedServer } from '../helpers/feed-server.ts';
import { NewsFeed } from '../helpers/news-feed.ts';

const CHANNEL = 'console:team';

function said(answer: Answer): string {
  if (answer.kind === 'error') return `error: ${answer.message} | usage: ${answer.usage}`;
  if (answer.kind === 'notice') return [answer.heading ?? '', ...answer.lines].join('\n');
  return answer.kind === 'chart' ? [answer.heading, ...answer.lines].join('\n') : answer.heading;
}

describe("commands for a channel's rhythm", () => {
  let app: TestApp;

  beforeEach(async () => {
    app = await testApp({ AINEWS_TIMEZONE: 'Asia/Shanghai' });
  });
  afterEach(() => app.dispose());

  it('shows the settings in words, and as the JSON scripts rely on', async () => {
    await app.watches.add(CHANNEL, 'GPT-5', 'u1');
    const shown = await ask(app, 'settings');
    expect(said(shown)).toContain('Watches: 1');
    expect(said(shown)).toContain('Digest: no digest');
    expect(said(shown)).toContain('Time zone: Asia/Shanghai');
    expect((shown as { data: unknown }).data).toEqual({
      channel: CHANNEL,
      timezone: 'Asia/Shanghai',
      digest: null,
      quiet: null,
      limit_per_hour: null,
      next_digest_at: null,
      min_sources: null,
      language: null,
    });
    await ask(app, 'digest weekly mon 09:00 only');
    await ask(app, 'quiet 22:00-08:00');
    await ask(app, 'limit 10/h');
    await ask(app, 'timezone Europe/Berlin');
    const after = (await ask(app, 'settings')) as { data: Record<string, unknown> };
    expect(after.data).toMatchObject({
      timezone: 'Europe/Berlin',
      digest: { every: 'weekly', day: 'mon', time: '09:00', only: true },
      quiet: { from: '22:00', to: '08:00' },
      limit_per_hour: 10,
    });
    // The next digest is Monday 09:00 in Berlin: 08:00 UTC in winter, 07:00 in summer.
    const next = new Date(after.data.next_digest_at as string);
    expect(next.getUTCDay()).toBe(1);
    expect([7, 8]).toContain(next.getUTCHours());
  });

  it('answers each change with the new setting in words, for the whole channel', async () => {
    for (const [text, words] of [
      ['digest daily 09:00', 'a daily digest every day at 09:00, as well as live alerts'],
      ['quiet 22:00-08:00', 'Quiet hours are now 22:00–08:00 (Asia/Shanghai)'],
      ['limit 10/h', 'at most 10 alerts in any hour'],
      ['timezone UTC', 'Times in this channel are now read in UTC'],
      ['quiet off', 'Quiet hours are off'],
      ['limit off', 'The limit is off'],
      ['digest off', 'The digest is off'],
    ]) {
      const answer = await ask(app, text!);
      expect(answer).toMatchObject({ kind: 'notice', announce: true });
      expect(said(answer)).toContain(words);
    }
  });

  it.each([
    ['quiet 25:00-08:00', '"25:00" is not a time of day', 'quiet <HH:MM-HH:MM> | quiet off'],
    ['quiet 22:00', 'is not a span of hours', 'quiet <HH:MM-HH:MM>'],
    ['digest hourly', '"hourly" is not a digest schedule', 'digest daily 09:00 [only]'],
    ['digest weekly 09:00', 'a weekly digest needs a day and a time', 'digest weekly mon 09:00'],
    ['limit 0/h', 'between 1 and 1000', 'limit <N>/h | limit off'],
    ['limit lots', '"lots" is not a limit', 'limit <N>/h'],
    ['timezone Mars/Phobos', 'Mars/Phobos is not a time zone', 'timezone <IANA name'],
    ['trends 400d', '"400d" is not a period trends can chart', 'trends [7d|14d|30d]'],
  ])('refuses "%s" with a clear message and the usage, changing nothing', async (text, message, usage) => {
    await app.watches.add(CHANNEL, 'GPT-5', 'u1');
    await ask(app, 'quiet 01:00-02:00');
    const before = JSON.stringify(await app.rhythm.settings(CHANNEL));
    const answer = await ask(app, text);
    expect(answer.kind).toBe('error');
    expect(said(answer)).toContain(message);
    expect(said(answer)).toContain(usage);
    expect(JSON.stringify(await app.rhythm.settings(CHANNEL))).toBe(before);
  });

  describe('why, for what the rhythm held or gathered', () => {
    let server: FeedServer;
    let news: NewsFeed;

    beforeEach(async () => {
      server = await new FeedServer().listen();
      news = new NewsFeed(server);
      await news.subscribe(app);
      await app.watches.add(CHANNEL, 'gpt-5', 'u1');
    });
    afterEach(() => server.close());

    it('says until when an alert is held, and which message it was folded into', async () => {
      const hour = new Date().getUTCHours();
      const at = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`;
      await ask(app, 'timezone UTC');
      await ask(app, `quiet ${at(hour)}-${at(hour + 2)}`);
      await news.publish(app, 'GPT-5 arrives');
      const id = (await app.outbox.list())[0]!.item_id!;
      expect(said(await ask(app, `why ${id}`))).toMatch(new RegExp(`is held for quiet hours until (\\w{3} \\d+ \\w{3} )?${at(hour + 2)} UTC`));
      await ask(app, 'quiet off');
      const fold = (await app.outbox.list()).find((r) => r.kind === 'fold')!;
      expect(said(await ask(app, `why ${id}`))).toContain('was held for quiet hours, then folded into a message that is pending');
      app.db.prepare("UPDATE outbox SET status = 'sent', held_until = NULL, sent_at = ? WHERE id = ? OR fold_id = ?").run('2026-12-04T01:00:00.000Z', fold.id, fold.id);
      expect(said(await ask(app, `why ${id}`))).toMatch(/folded into the message of .*09:00 UTC|folded into the message of .*01:00 UTC/);
    });

    it('says which digest an alert is in', async () => {
      await ask(app, 'digest weekly mon 09:00 only');
      await news.publish(app, 'GPT-5 arrives');
      const id = (await app.outbox.list())[0]!.item_id!;
      expect(said(await ask(app, `why ${id}`))).toMatch(/is held for the digest, which replaces live alerts here: it goes out in the digest of (Mon \d+ \w+ )?09:00 Asia\/Shanghai/);
      await app.rhythm.sendDigest(CHANNEL);
      expect(said(await ask(app, `why ${id}`))).toMatch(/is in the digest of \w+day \d\d:\d\d \(Asia\/Shanghai\), which is pending/);
    });
  });
});
