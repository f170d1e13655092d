import { messageErrors } from '../../helpers/discord-limits.ts';
import { oversizeAlert, oversizeResults, OVERSIZE, sampleAlert, sampleResults } from '../../helpers/samples.ts';
import { describe, expect, it } from 'vitest';
import type { Answer } from '../../../commands/index.ts';
import { escapeDiscord, fitDiscord } from '../../../src/platforms/discord/markdown.ts';
import { MorePages } from '../../../src/platforms/discord/more-pages.ts';
import { inviteUrl } from '../../../src/platforms/discord/register.ts';
import { alertEmbed, sourceColor } from '../../../src/platforms/discord/render-alert.ts';
import { answerReply } from '../../../src/platforms/discord/render-answer.ts';
import { commandDefinitions } from '../../../src/platforms/discord/slash-commands.ts';
import { toPlatformError } from '../../../src/platforms/discord/discord-errors.ts';
import { alertNonce } from '../../../src/platforms/discord/discord-sender.ts';

const alert = sampleAlert('discord:300000000000000001');

describe('Discord text', () => {
  it('escapes markdown, quotes, lists and masked links, and breaks mentions, but leaves URLs whole', () => {
    expect(escapeDiscord('**bold** _it_ `code` ~~s~~ ||spoiler||')).toBe('\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~ \\|\\|spoiler\\|\\|');
    expect(escapeDiscord('> quote\n# Heading\n-# small\n- item\n1. first')).toBe('\\> quote\n\\# Heading\n\\-# small\n\\- item\n1\\. first');
    expect(escapeDiscord('[openai.com](https://evil.example/x)')).toBe('\\[openai.com\\]\\(https://evil.example/x)');
    expect(escapeDiscord('@everyone @here <@123> <@&456> <#789>')).toBe('@\u200beveryone @\u200bhere <\u200b@123> <\u200b@&456> <\u200b#789>');
    expect(escapeDiscord('see https://x.example/a_b_c now_ok')).toBe('see https://x.example/a_b_c now\\_ok');
  });

  it('cuts escaped text on a whole character', () => {
    expect(fitDiscord('**x**'.repeat(10), 20)).toBe('\\*\\*x\\*\\*\\*\\*x\\*\\*…');
    expect(fitDiscord('😀😀😀', 3)).toBe('😀…');
  });
});

describe('Discord alerts', () => {
  it('are an embed: linked title, summary, source as author in its colour, time, watch and host', () => {
    expect(alertEmbed({ ...alert, alsoCoveredBy: ['量子位'] })).toEqual({
      title: 'OpenAI ships GPT-5',
      url: 'https://openai.com/index/gpt-5/',
      description: 'The new model is out.',
      author: { name: 'OpenAI News' },
      timestamp: '2025-08-07T17:00:00.000Z',
      color: sourceColor('OpenAI News'),
      fields: [
        { name: 'Watch', value: 'gpt-5', inline: true },
        { name: 'Also covered by', value: '量子位', inline: true },
      ],
      footer: { text: 'openai.com' },
    });
    expect(sourceColor('OpenAI News')).toBe(sourceColor('OpenAI News'));
    expect(new Set(['a', 'b', 'c', 'd', 'e', 'f'].map(sourceColor)).size).toBeGreaterThan(1);
  });

  it('neutralise hostile feed text and stay within embed limits', () => {
    const embed = alertEmbed({
      ...alert,
      title: '@everyone **FREE** <@&123> '.repeat(20),
      summary: '[openai.com/login](https://evil.example) ||spoiler|| '.repeat(200),
      source: '<@U1>',
      url: 'javascript:alert(1)',
    });
    const text = JSON.stringify(embed);
    expect(text).not.toMatch(/@everyone|<@|\]\(|(?<!\\)\*\*|(?<!\\)\|\|/);
    expect(embed.url).toBeUndefined();
    expect(embed.title!.length).toBeLessThanOrEqual(256);
    expect(embed.description!.length).toBeLessThanOrEqual(4096);
  });
});

describe('Discord answers', () => {
  const results = sampleResults([{ text: '发布新推理模型', match: false }], [{ text: '公司今天发布', match: false }, { text: '推理模型', match: true }, { text: '*', match: false }]);

  it('render results as embeds with the matched words in bold and a More button', () => {
    const reply = answerReply(results, (next) => `more:${next}`);
    expect(reply.content).toBe('**Results for 推理模型**');
    expect(reply.embeds[0]).toMatchObject({
      title: '发布新推理模型',
      url: 'https://www.ithome.com/0/1.htm',
      description: '公司今天发布**推理模型**\\*',
      footer: { text: 'IT之家 · 3 sources · #5 · ithome.com' },
    });
    expect(reply.components).toEqual([{ type: 1, components: [{ type: 2, style: 2, label: 'More', custom_id: 'more:推理模型 page:2' }] }]);
  });

  it('render errors with the usage and long lists within limits', () => {
    expect(answerReply({ kind: 'error', message: 'bad *thing*', usage: '/ainews watch <keyword>' }, String).content).toBe('⚠️ bad \\*thing\\*\nUsage: `/ainews watch <keyword>`');
    const list = answerReply({ kind: 'list', heading: 'Watches', rows: Array.from({ length: 200 }, (_, i) => `#${i} ${'x'.repeat(60)}`), empty: '', data: [] }, String);
    expect(list.embeds[0]!.description!.length).toBeLessThanOrEqual(4096);
    expect(list.embeds[0]!.description).toMatch(/…and \d+ more$/);
  });

  it('keep long More commands behind a short button id', () => {
    const pages = new MorePages();
    expect(pages.idFor('gpt-5 page:2')).toBe('ainews:more:gpt-5 page:2');
    const long = `${'大模型 '.repeat(40)}page:2`;
    const id = pages.idFor(long);
    expect(id.length).toBeLessThanOrEqual(100);
    expect(pages.resolve(id)).toBe(long);
    expect(new MorePages().resolve(id)).toBeNull();
    expect(pages.isMore('something-else')).toBe(false);
  });
});

describe('Discord delivery details', () => {
  it('keeps the nonce within 25 characters and unique to the installation', () => {
    expect(alertNonce('a1b2c3d4', 123)).toBe('a1b2c3d4-123');
    expect(alertNonce('a1b2c3d4', Number.MAX_SAFE_INTEGER).length).toBeLessThanOrEqual(25);
  });

  it('takes the REST client losing its token after a 401 for the rejected token it is, not an outage', () => {
    expect(toPlatformError(new Error('Expected token to be set for this request, but none was present')).failure).toEqual({ kind: 'channel-gone' });
    expect(toPlatformError(new Error('socket hang up')).failure).toEqual({ kind: 'outcome-unknown' });
  });

  it('shows a source as typed in the author line, with mentions broken invisibly', () => {
    expect(alertEmbed({ ...alert, source: '量子位 (QbitAI) | AI_news <@1>' }).author).toEqual({ name: '量子位 (QbitAI) | AI_news <\u200b@1>' });
  });

  it('fits ten long results within the 6,000 characters a message may carry', () => {
    const long: Answer = {
      kind: 'results',
      heading: 'Latest 12 items',
      results: Array.from({ length: 12 }, (_, i) => ({
        id: i,
        title: [{ text: 'T'.repeat(400), match: false }],
        url: 'https://x.example/a',
        source: 'S'.repeat(300),
        sourceCount: 1,
        publishedAt: '2025-08-07T16:00:00.000Z',
        lang: 'en' as const,
        snippet: [{ text: 'x', match: false }],
        summary: 'word '.repeat(400),
      })),
      more: null,
      data: [],
    };
    const reply = answerReply(long, String);
    expect(reply.embeds).toHaveLength(10);
    expect(reply.content).toContain('(the first 10 of 12)');
    const total = reply.embeds.reduce((sum, e) => sum + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0), 0);
    expect(total).toBeLessThanOrEqual(6000);
  });
});

describe('Discord registration', () => {
  it('defines /ainews for everyone and /ainews-admin for Manage Server', () => {
    const [ainews, admin] = commandDefinitions();
    expect(ainews!.name).toBe('ainews');
    expect(ainews!.default_member_permissions).toBeUndefined();
    expect(ainews!.options!.map((o) => o.name)).toEqual(['search', 'watch', 'unwatch', 'watches', 'latest', 'stories', 'feeds', 'why', 'settings', 'digest', 'quiet', 'limit', 'timezone', 'trends', 'help']);
    const unwatch = ainews!.options!.find((o) => o.name === 'unwatch') as { options: { name: string; autocomplete?: boolean }[] };
    expect(unwatch.options[0]).toMatchObject({ name: 'keyword', autocomplete: true });
    expect(admin).toMatchObject({ name: 'ainews-admin', default_member_permissions: '32' });
  });

  it('invites the bot with the slash command scope and only the permissions it needs', () => {
    const url = new URL(inviteUrl('100000000000000001'));
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    // View Channel, Send Messages, Embed Links, Attach Files, Read Message History, Send Messages in Threads.
    expect(BigInt(url.searchParams.get('permissions')!)).toBe(1024n + 2048n + 16384n + 32768n + 65536n + (1n << 38n));
  });
});

describe('any item, however long, in a message Discord takes', () => {
  const langs = ['en', 'zh'] as const;
  const sent = (body: Record<string, unknown>) => messageErrors({ ...body, allowed_mentions: { parse: [] } });

  it.each(langs)('an alert (%s): a link too long for the title shows under the summary when it fits', (lang) => {
    const embed = alertEmbed(oversizeAlert('discord:300000000000000001', lang));
    expect(sent({ embeds: [embed] })).toEqual([]);
    expect(embed.url).toBeUndefined();
    expect(embed.description!.endsWith(`\n${OVERSIZE.url(lang)}`)).toBe(true);
    expect(embed.description!.split('\n')[0]).toMatch(/…$/);
    expect(embed.footer).toEqual({ text: 'news.example.com' });
  });

  it('links the title with any URL Discord takes there, and leaves out one too long for anywhere', () => {
    const fits = `https://news.example.com/${'a'.repeat(2048 - 25)}`;
    expect(alertEmbed({ ...alert, url: fits })).toMatchObject({ url: fits, description: 'The new model is out.' });
    const huge = alertEmbed({ ...oversizeAlert('discord:300000000000000001', 'en'), url: `https://news.example.com/${'a'.repeat(5000)}` });
    expect(sent({ embeds: [huge] })).toEqual([]);
    expect(huge.url).toBeUndefined();
    expect(huge.description).not.toContain('https://');
    expect(huge.footer).toEqual({ text: 'news.example.com' });
  });

  it.each(langs)('search results with the More button, ten and more of them (%s)', (lang) => {
    const pages = new MorePages();
    for (const n of [5, 12]) expect(sent(answerReply(oversizeResults(n, lang), (next) => pages.idFor(next)) as unknown as Record<string, unknown>)).toEqual([]);
  });

  it('notices and lists of any length (why, stories), and errors', () => {
    const line = `${OVERSIZE.title('zh')} ${OVERSIZE.title('en')}`;
    const notice = answerReply({ kind: 'notice', heading: line, lines: Array.from({ length: 200 }, () => line) }, String);
    const list = answerReply({ kind: 'list', heading: line, rows: Array.from({ length: 500 }, (_, i) => `#${i} ${line}`), empty: '', data: [] }, String);
    const error = answerReply({ kind: 'error', message: line.repeat(3), usage: line }, String);
    for (const reply of [notice, list, error]) expect(sent(reply as unknown as Record<string, unknown>)).toEqual([]);
    expect(notice.content).toMatch(/…and \d+ more$/);
    expect(error.content).toMatch(/^⚠️ .+…\nUsage: `.+…`$/s);
  });
});
