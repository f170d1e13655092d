import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertMessage } from '../../src/platforms/slack/render-alert.ts';
import { alertEmbed } from '../../src/platforms/discord/render-alert.ts';
import { composeAlert } from '../../src/delivery/compose-alert.ts';
import { ask as askApp, type AskOptions } from '../helpers/ask.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { FeedServer, rss } from '../helpers/feed-server.ts';
import { storeItems } from '../helpers/items.ts';

let app: TestApp;
let server: FeedServer;

beforeEach(async () => {
  server = await new FeedServer().listen();
});
afterEach(async () => {
  await app.dispose();
  await server.close();
});

const ask = (text: string, options: AskOptions = {}) => askApp(app, text, { channel: 'slack:T1/C1', user: 'u1', ...options });

/** Polls a feed whose first poll was empty, so that what it serves now is new, not backlog. */
async function pollNew(body: string | Buffer, contentType = 'application/rss+xml; charset=utf-8') {
  server.route('/feed', { body: rss([]) });
  const { feed } = await app.admin.add({ url: server.url('/feed'), name: 'Hostile' });
  await app.poller.poll((await app.feeds.find(feed.id))!);
  server.route('/feed', { body, headers: { 'content-type': contentType } });
  return app.poller.poll((await app.feeds.find(feed.id))!);
}

describe('feed URLs from chat', () => {
  it('refuses private, loopback and metadata addresses, and anything but http(s), when the allow flag is off', async () => {
    app = await testApp({ AINEWS_ALLOW_PRIVATE_NETWORK: 'false' });
    const urls = [
      'http://localhost/feed',
      'http://127.0.0.1:8080/feed',
      'http://0.0.0.0/feed',
      'http://[::ffff:127.0.0.1]/feed',
      'http://2130706433/feed',
      'http://0177.0.0.1/feed',
      'http://[fd00::1]/feed',
      'http://[fe80::1]/feed',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.5/feed',
      'file:///etc/passwd',
      'gopher://example.com/',
      'javascript:alert(1)',
    ];
    for (const url of urls) expect(await ask(`feeds add ${url}`, { admin: true }), url).toMatchObject({ kind: 'error' });
    expect(await app.feeds.list()).toEqual([]);
  });
});

describe('feed bodies', () => {
  it('stores a feed whose description nests 50,000 elements deep, without a stack overflow', async () => {
    app = await testApp();
    const deep = `${'<div>'.repeat(50_000)}deep text${'</div>'.repeat(50_000)}`;
    const outcome = await pollNew(rss([{ title: 'Deep', link: 'https://x.example/deep', guid: 'deep', description: deep }]));
    expect(outcome.result).toBe('updated');
    expect((await app.items.recent(1))[0]).toMatchObject({ title: 'Deep' });
  });

  it('ends a feed whose XML nests 100,000 elements as that feed’s error, not a crash', async () => {
    app = await testApp();
    const body = `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</channel></rss>`;
    const outcome = await pollNew(body);
    expect(['updated', 'failed']).toContain(outcome.result);
    if (outcome.result === 'failed') expect(outcome.error).toBeTruthy();
  });

  it('keeps the newest FEED_MAX_ITEMS of a feed with 100,000 items', async () => {
    app = await testApp({ FEED_MAX_ITEMS: '500', FETCH_MAX_BYTES: '20MB' });
    const items = Array.from({ length: 100_000 }, (_, i) => `<item><title>Story ${i}</title><link>https://x.example/${i}</link><pubDate>${new Date(Date.UTC(2025, 0, 1) + i * 60_000).toUTCString()}</pubDate></item>`);
    const outcome = await pollNew(`<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>${items.join('')}</channel></rss>`);
    expect(outcome, outcome.error).toMatchObject({ result: 'updated' });
    const stored = await app.items.recent(1000);
    expect(stored).toHaveLength(500);
    expect(stored[0]!.title).toBe('Story 99999');
  }, 60_000);

  it('cuts a 1 MB title, reads invalid UTF-8 with replacement characters, and strips control, zero-width and bidi characters', async () => {
    app = await testApp();
    const huge = 'A'.repeat(1_000_000);
    const sneaky = 'Pay\u202Eyortsed\u202C now\u200B\u0007 <script>alert(1)</script>';
    const xml = Buffer.concat([
      Buffer.from(rss([
        { title: huge, link: 'https://x.example/huge', guid: 'huge' },
        { title: sneaky.replace('<', '&lt;').replace('>', '&gt;').replace('</', '&lt;/').replace('t>', 't&gt;'), link: 'https://x.example/sneaky', guid: 'sneaky' },
      ]).replace('</channel></rss>', '')),
      Buffer.from('<item><title>bad \xff\xfe bytes</title><link>https://x.example/bytes</link><guid>bytes</guid></item></channel>', 'latin1'),
      Buffer.from('</rss>'),
    ]);
    const outcome = await pollNew(xml);
    expect(outcome.result).toBe('updated');
    const byLink = Object.fromEntries((await app.items.recent(10)).map((i) => [i.url, i]));
    expect(byLink['https://x.example/huge']!.title.length).toBeLessThanOrEqual(500);
    expect(byLink['https://x.example/sneaky']!.title).not.toMatch(/[\u202E\u202C\u200B\u0007]/);
    expect(byLink['https://x.example/bytes']!.title).toBe('bad \uFFFD\uFFFD bytes');
  });

  it('keeps HTML and script in every field from reaching chat as markup', async () => {
    app = await testApp();
    await app.watches.add('slack:T1/C1', '*', 'u1');
    await app.watches.add('discord:300000000000000001', '*', 'u1');
    const script = '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;';
    const xml = `<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>${script}</title>
      <item><title>${script} title</title><link>javascript:alert(3)</link><guid>s1</guid><dc:creator>${script}</dc:creator>
      <description><![CDATA[<script>alert(4)</script><p onclick="x()">Body <iframe src="https://evil.example"></iframe>text <a href="javascript:alert(5)">link</a></p>]]></description></item></channel></rss>`;
    expect((await pollNew(xml)).alerts).toBe(2);
    const [item] = await app.items.recent(1);
    expect(item!.url).toBeNull();
    expect(item!.body).not.toMatch(/<script|<iframe|onclick|alert\(4\)/);
    for (const row of await app.outbox.list()) {
      if (row.kind !== 'alert' && row.kind !== 'update') continue;
      const alert = (await composeAlert(row, app))!;
      if (row.platform === 'slack') {
        // Slack reads < as markup: it must only ever arrive escaped.
        expect(JSON.stringify(alertMessage(alert))).not.toMatch(/<script|<img|javascript:/i);
      } else {
        // Discord shows <script> as the text it is; what it would act on is a link or a mention.
        const embed = alertEmbed(alert);
        expect(embed.url).toBeUndefined();
        expect(JSON.stringify(embed)).not.toMatch(/javascript:|\]\(|<@/i);
      }
    }
  });
});

describe('slash-command input', () => {
  it('answers FTS syntax, SQL metacharacters, unbalanced quotes, emoji and RTL text with results or a clear error', async () => {
    app = await testApp();
    await storeItems(app, [{ title: 'OpenAI ships GPT-5 🚀' }, { title: 'مرحبا GPT-5 بالعربية' }, { title: '大模型 发布' }]);
    const inputs = [
      'NEAR(gpt five)', 'gpt* OR "', 'title:gpt', '^gpt', 'gpt AND OR NOT', '"unbalanced', 'a"b"c"', '((()))', '-', '--', '*',
      "'; DROP TABLE items; --", "gpt' OR 1=1 --", '%_\\', '🚀', 'مرحبا', '\u202Egpt', '大模型"', 'source:', 'since:', 'lang:xx', 'page:0', '\u0000',
    ];
    for (const input of inputs) {
      const answer = await ask(input);
      expect(['results', 'error'], input).toContain(answer.kind);
      if (answer.kind === 'error') expect(answer.message, input).not.toMatch(/SQLITE|syntax error|fts5/i);
    }
    expect(await ask('🚀 gpt-5')).toMatchObject({ kind: 'results', results: { length: 2 } });
    expect(await ask('مرحبا')).toMatchObject({ kind: 'results', results: { length: 1 } });
    expect(await ask('x'.repeat(201))).toMatchObject({ kind: 'error', message: expect.stringContaining('at most 200 characters') });
    expect(await app.items.recent(10)).toHaveLength(3);
  });

  it('refuses unusable and regex-looking watches clearly, and caps watches per channel', async () => {
    app = await testApp();
    for (const input of ['', '!!!', '-only', '"unbalanced', '(a+)+$', '/.*/', 'x'.repeat(201)]) {
      const answer = await ask(`watch ${input}`);
      if (answer.kind === 'notice') expect((await app.watches.list('slack:T1/C1')).at(-1)!.query, input).toBe(input.trim());
      else expect(answer.kind, input).toBe('error');
    }
    for (let i = (await app.watches.list('slack:T1/C1')).length; i < 100; i++) await ask(`watch keyword${i}`);
    expect(await ask('watch one-too-many')).toMatchObject({ kind: 'error', message: expect.stringContaining('100 watches') });
  });
});
